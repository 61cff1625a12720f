"""On-call coverage: for every label set the alert rules produce, is somebody notified at every moment of a week?

A week is walked in 15-minute slots through routing and time intervals; a slot is covered when at least one routed
receiver with a real integration (any ``*_configs`` entry) is not muted. Uncovered slots become one line per range:
``severity=critical team=db: nobody is notified Sat 00:00-08:00 Europe/Berlin (route #3 muted by "offhours",
continue=false)``. Inhibition is left out: it depends on which other alerts fire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from ..rules.model import load_rule_file
from .model import Config, Route
from .pipeline import Outcome, evaluate

SLOT = dt.timedelta(minutes=15)
WEEK_START = dt.date(2026, 1, 5)  # a Monday without DST changes in either hemisphere's usual zones


@dataclass
class Gap:
    labels: dict[str, str]
    start: dt.datetime  # inclusive (local time once reported)
    end: dt.datetime  # exclusive
    reason: str
    whole_week: bool = False

    def line(self, location: str) -> str:
        key = " ".join(f"{k}={v}" for k, v in sorted(self.labels.items(), key=_severity_first))
        when = "all week" if self.whole_week else f"{span(self.start, self.end)} {location}"
        return f"{key}: nobody is notified {when} ({self.reason})"


def _severity_first(item: tuple[str, str]) -> tuple[int, str]:
    return (0 if item[0] == "severity" else 1 if item[0] != "alertname" else 2, item[0])


def span(start: dt.datetime, end: dt.datetime) -> str:
    """``Sat 00:00-08:00``, ``Fri 18:00-24:00`` or ``Fri 18:00-Mon 08:00``."""
    last = end - dt.timedelta(minutes=1)
    end_text = "24:00" if end.time() == dt.time(0) and last.date() == start.date() else end.strftime("%H:%M")
    same_day = last.date() == start.date() and end - start < dt.timedelta(days=1)
    return f"{start:%a %H:%M}-{end_text}" if same_day else f"{start:%a %H:%M}-{end:%a %H:%M}"


def has_integration(config: Config, receiver: str) -> bool:
    return any(configs for configs in config.receivers[receiver].integrations.values())


def why_nobody(config: Config, outcome: Outcome) -> str:
    reasons = []
    for d in outcome.deliveries:
        where = f"route #{d.route.number}"
        if d.muted_by:
            reasons.append(f"{where} {_muting(d.route, d.muted_by)}, continue={str(d.route.continue_).lower()}")
        elif not has_integration(config, d.receiver):
            reasons.append(f'{where} receiver "{d.receiver}" has no integration')
    return "; ".join(reasons)


def _muting(route: Route, names: list[str]) -> str:
    mute = [f'"{n}"' for n in names if n in route.mute_time_intervals]
    inactive = [f'"{n}"' for n in names if n not in route.mute_time_intervals]
    parts = ([f"muted by {', '.join(mute)}"] if mute else []) + ([f"outside {', '.join(inactive)}"] if inactive else [])
    return " and ".join(parts)


def uncovered(config: Config, labels: dict[str, str], at: dt.datetime) -> str | None:
    """None when somebody is notified at ``at``, else why nobody is."""
    (outcome,) = evaluate(config, [labels], at)
    if any(has_integration(config, d.receiver) for d in outcome.deliveries if not d.muted_by):
        return None
    return why_nobody(config, outcome)


def week_slots(week_start: dt.date, zone: ZoneInfo) -> tuple[list[dt.datetime], dt.datetime]:
    """The 15-minute slot starts (UTC) from Monday 00:00 to the next Monday 00:00 in ``zone`` (DST weeks included)."""
    start = dt.datetime.combine(week_start, dt.time(0), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0), zone).astimezone(dt.UTC)
    return [start + i * SLOT for i in range(int((end - start) / SLOT))], end


def gaps(config: Config, labels: dict[str, str], location: str = "UTC", week_start: dt.date = WEEK_START) -> list[Gap]:
    zone = ZoneInfo(location)
    slots, end = week_slots(week_start, zone)
    out: list[Gap] = []
    for slot in slots:
        reason = uncovered(config, labels, slot)
        if reason is None:
            continue
        if out and out[-1].end == slot and out[-1].reason == reason:
            out[-1].end = slot + SLOT
        else:
            out.append(Gap(labels, slot, slot + SLOT, reason))
    return [_local(g, zone, slots[0], end) for g in _wrap_week(out, slots[0], end)]


def _wrap_week(out: list[Gap], start: dt.datetime, end: dt.datetime) -> list[Gap]:
    """A gap running into the week's end and one starting it are the same gap (Fri 18:00-Mon 08:00)."""
    if len(out) > 1 and out[0].start == start and out[-1].end == end and out[0].reason == out[-1].reason:
        first = out.pop(0)
        out[-1].end = first.end + (end - start)
    return out


def _local(gap: Gap, zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> Gap:
    whole = gap.start == start and gap.end == end
    return Gap(gap.labels, gap.start.astimezone(zone), gap.end.astimezone(zone), gap.reason, whole)


def rule_label_sets(paths: list[str | Path]) -> list[dict[str, str]]:
    """The static labels of every alerting rule (templated values left out), alertname included, deduplicated."""
    seen: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    for path in paths:
        for group in load_rule_file(path):
            for rule in group.rules:
                if rule.kind != "alert":
                    continue
                labels = {k: v for k, v in rule.labels.items() if "{{" not in v}
                labels["alertname"] = rule.name
                seen.setdefault(tuple(sorted(labels.items())), labels)
    return list(seen.values())


def coverage_report(
    config: Config, label_sets: list[dict[str, str]], location: str = "UTC", week_start: dt.date = WEEK_START
) -> list[str]:
    """One line per uncovered range, for every label set; empty when everything is covered all week."""
    return [g.line(location) for labels in label_sets for g in gaps(config, labels, location, week_start)]
