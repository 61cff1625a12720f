"""Series notation as promtool and promqltest read it: ``metric{l="v"} 1+1x10 _ stale _x3 NaN -Inf``."""

from __future__ import annotations

import re
from typing import Any

import promql_parser

from opsverify.promql.values import STALE_NAN, Labels, PromQLError, UnsupportedError, make_labels

_NUM = r"(?:[+-]?(?:inf|nan|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?))"
_UNSIGNED = r"(?:inf|nan|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)"
_TERM = re.compile(rf"^(?P<a>{_NUM})(?:(?P<op>[+-])(?P<b>{_UNSIGNED}))?x(?P<n>\d+)$", re.IGNORECASE)
_BLANKS = re.compile(r"^_x(?P<n>\d+)$")
_NUMBER = re.compile(rf"^{_NUM}$", re.IGNORECASE)


class NotationError(PromQLError):
    """A term of series notation that cannot be read."""


def parse_number(text: str) -> float:
    """A number of series notation: 1, -2.5, 1e3, Inf, -Inf, NaN (``0x5`` is a repetition, not hex)."""
    s = text.strip()
    if not _NUMBER.match(s):
        raise NotationError(f"bad number {text!r}")
    return float(s.lower().lstrip("+"))


MAX_SAMPLES = 10_000_000  # per series line: a year at 5s steps; more is a typo (1x99999999999), not a test


def expand_values(text: str) -> list[float | None]:
    """Expand the value part of a series line; ``None`` marks an omitted sample (``_``)."""
    if "{{" in text:
        raise UnsupportedError("native histograms are not supported")
    out: list[float | None] = []
    for term in text.split():
        m = _TERM.match(term) or _BLANKS.match(term)
        if m and len(out) + int(m.group("n")) > MAX_SAMPLES:
            raise NotationError(f"bad series term {term!r}: expands past {MAX_SAMPLES:,} samples")
        out.extend(_expand_term(term))
    return out


def _expand_term(term: str) -> list[float | None]:
    if term == "_":
        return [None]
    if term.lower() == "stale":
        return [STALE_NAN]
    blanks = _BLANKS.match(term)
    if blanks:
        return [None] * int(blanks.group("n"))
    if _NUMBER.match(term):
        return [parse_number(term)]
    m = _TERM.match(term)
    if not m:
        raise NotationError(f"bad series term {term!r}")
    start = parse_number(m.group("a"))
    delta = parse_number(m.group("b")) if m.group("b") else 0.0
    if m.group("op") == "-":
        delta = -delta
    vals: list[float | None] = []
    cur = start
    for _ in range(int(m.group("n")) + 1):
        vals.append(cur)
        cur += delta
    return vals


def split_series_line(line: str) -> tuple[str, str]:
    """Split ``selector values`` at the end of the selector (braces and quotes respected)."""
    s = line.strip()
    brace = s.find("{")
    space = len(s) if not re.search(r"\s", s) else re.search(r"\s", s).start()  # type: ignore[union-attr]
    if brace == -1 or brace > space:
        return s[:space], s[space:].strip()
    end = _closing_brace(s, brace)
    return s[: end + 1], s[end + 1 :].strip()


def _closing_brace(s: str, start: int) -> int:
    quote = ""
    i = start + 1
    while i < len(s):
        c = s[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c == "}":
            return i
        i += 1
    raise NotationError(f"unclosed '{{' in {s!r}")


def parse_selector_labels(text: str) -> Labels:
    """Labels of a series selector such as ``up{job="api"}`` or ``{"a.b", x="y"}`` (only ``=`` matchers)."""
    if re.fullmatch(r"\{\s*\}", text):
        return ()
    try:
        node: Any = promql_parser.parse(text)
    except (ValueError, RuntimeError) as exc:
        raise NotationError(f"bad series selector {text!r}: {exc}") from None
    if type(node).__name__ != "VectorSelector":
        raise NotationError(f"bad series selector {text!r}")
    labels: dict[str, str] = {}
    if node.name:
        labels["__name__"] = node.name
    for m in node.matchers.matchers:
        if str(m.op) != "MatchOp.Equal":
            raise NotationError(f"series selector {text!r} may only use '=' matchers")
        labels[m.name] = m.value
    return make_labels(labels)


def parse_series_line(line: str) -> tuple[Labels, list[float | None]]:
    """One ``load`` line: labels and the expanded values (one per interval, ``None`` = omitted)."""
    selector, values = split_series_line(line)
    return parse_selector_labels(selector), expand_values(values)
