"""The data Alertmanager hands to notification templates (template.Data), as values for our Go-template interpreter.

``KV`` (labels, annotations) is a Go map with the methods SortedPairs (alertname first), Remove, Names, Values;
``Pairs`` and ``Strings`` are lists with Names/Values and Join; ``Alerts`` has Firing and Resolved; times print as
Go's ``time.Time`` does and have ``.Format``/``.Unix``/``.UTC``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..rules.template import GoMap, GoStruct

Methods = dict[str, Callable[..., Any]]


class Strings(list[str]):
    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self.go_methods: Methods = {"Join": lambda sep: sep.join(self)}


class Pairs(list[GoStruct]):
    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self.go_methods: Methods = {
            "Names": lambda: Strings(p.fields["Name"] for p in self),
            "Values": lambda: Strings(p.fields["Value"] for p in self),
            "String": lambda: ", ".join(f"{p.fields['Name']}={p.fields['Value']}" for p in self),
        }


class KV(GoMap):
    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self.go_methods: Methods = {
            "SortedPairs": self.sorted_pairs,
            "Remove": lambda keys: KV({k: v for k, v in self.items() if k not in set(keys or [])}),
            "Names": lambda: self.sorted_pairs().go_methods["Names"](),
            "Values": lambda: self.sorted_pairs().go_methods["Values"](),
            "String": lambda: self.sorted_pairs().go_methods["String"](),
        }

    def sorted_pairs(self) -> Pairs:
        keys = sorted(k for k in self if k != "alertname")
        keys = (["alertname"] if "alertname" in self else []) + keys
        return Pairs(GoStruct("template.Pair", {"Name": k, "Value": self[k]}) for k in keys)


class GoTime(str):
    """A time.Time: prints like Go (``2026-01-05 10:00:00 +0000 UTC``), with Format (common layout tokens)."""

    instant: dt.datetime
    go_methods: Methods

    def __new__(cls, instant: dt.datetime) -> GoTime:
        text = _go_time_string(instant)
        self = super().__new__(cls, text)
        self.instant = instant
        self.go_methods = {
            "Format": lambda layout: go_format(instant, layout),
            "Unix": lambda: int(instant.timestamp()),
            "UTC": lambda: GoTime(instant.astimezone(dt.UTC)),
            "String": lambda: text,
        }
        return self


def _go_time_string(t: dt.datetime) -> str:
    zone = "UTC" if t.utcoffset() == dt.timedelta(0) else (t.tzname() or "")
    frac = f".{t.microsecond:06d}".rstrip("0") if t.microsecond else ""
    return t.strftime("%Y-%m-%d %H:%M:%S") + frac + t.strftime(" %z ") + zone


_LAYOUT = [  # Go reference-time tokens, longest first
    ("2006", "%Y"), ("January", "%B"), ("Jan", "%b"), ("Monday", "%A"), ("Mon", "%a"), ("MST", "%Z"),
    ("-0700", "%z"), ("Z07:00", "Z07:00"), ("01", "%m"), ("02", "%d"), ("15", "%H"), ("03", "%I"),
    ("04", "%M"), ("05", "%S"), ("PM", "%p"), ("06", "%y"), ("_2", "%e"),
]  # fmt: skip
_LAYOUT_RE = re.compile("|".join(re.escape(tok) for tok, _ in _LAYOUT))


def go_format(t: dt.datetime, layout: str) -> str:
    """time.Time.Format for the common layout tokens (2006 01 02 15 04 05 Jan Mon MST -0700 Z07:00 PM _2)."""
    out: list[str] = []
    pos = 0
    for m in _LAYOUT_RE.finditer(layout):
        out += [layout[pos : m.start()], _token(t, m.group(0))]
        pos = m.end()
    return "".join([*out, layout[pos:]])


def _token(t: dt.datetime, tok: str) -> str:
    if tok == "Z07:00":
        off = t.strftime("%z")
        return "Z" if off in ("+0000", "") else f"{off[:3]}:{off[3:]}"
    if tok == "_2":
        return f"{t.day:2d}"
    if tok == "MST":
        return "UTC" if t.utcoffset() == dt.timedelta(0) else (t.tzname() or "")
    return t.strftime(_TOKENS[tok])


_TOKENS = dict(_LAYOUT)


def fingerprint(labels: Mapping[str, str]) -> str:
    """model.LabelSet.Fingerprint as ``%016x``: FNV-1a 64 over sorted names and values, each followed by 0xff."""
    h = 14695981039346656037
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode() + b"\xff":
                h = ((h ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def alert_order(a: Mapping[str, str], b: Mapping[str, str]) -> int:
    """alert.AlertSlice.Less as a cmp: ``job``, then ``instance`` (absent last), then LabelSet.Before."""
    for key in ("job", "instance"):
        if key not in a and key not in b:
            continue
        if key not in a or key not in b:
            return 1 if key not in a else -1
        if a[key] != b[key]:
            return -1 if a[key] < b[key] else 1
    return _before(a, b)


def _before(a: Mapping[str, str], b: Mapping[str, str]) -> int:
    if len(a) != len(b):
        return -1 if len(a) < len(b) else 1
    for name in sorted([*a, *b]):
        if name not in a or name not in b:
            return -1 if name not in a else 1
        if a[name] != b[name]:
            return -1 if a[name] < b[name] else 1
    return 0


def alert_value(labels: Mapping[str, str], annotations: Mapping[str, str], starts_at: dt.datetime) -> GoStruct:
    fields = {
        "Status": "firing",
        "Labels": KV(labels),
        "Annotations": KV(annotations),
        "StartsAt": GoTime(starts_at),
        "EndsAt": GoTime(dt.datetime(1, 1, 1, tzinfo=dt.UTC)),
        "GeneratorURL": "",
        "Fingerprint": fingerprint(labels),
    }
    return GoStruct("template.Alert", fields)


def _common(maps: list[Mapping[str, str]]) -> dict[str, str]:
    if not maps:
        return {}
    return {k: v for k, v in maps[0].items() if all(m.get(k) == v for m in maps[1:])}


def template_data(
    receiver: str,
    group_labels: Mapping[str, str],
    alerts: Sequence[tuple[Mapping[str, str], Mapping[str, str]]],
    at: dt.datetime,
    external_url: str = "",
) -> GoStruct:
    """template.Data for one notification: a firing group of (labels, annotations) alerts on one receiver."""
    items = [alert_value(labels, ann, at) for labels, ann in alerts]
    alert_list = _Alerts(items)
    fields = {
        "Receiver": re.sub(r"([.+*?()|\[\]{}^$\\])", r"\\\1", receiver),  # regexp.QuoteMeta, as notify does
        "Status": "firing",
        "Alerts": alert_list,
        "GroupLabels": KV(group_labels),
        "CommonLabels": KV(_common([a for a, _ in alerts])),
        "CommonAnnotations": KV(_common([b for _, b in alerts])),
        "ExternalURL": external_url,
    }
    return GoStruct("template.Data", fields)


class _Alerts(list[GoStruct]):
    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self.go_methods: Methods = {
            "Firing": lambda: _Alerts(a for a in self if a.fields["Status"] == "firing"),
            "Resolved": lambda: _Alerts(a for a in self if a.fields["Status"] == "resolved"),
        }
