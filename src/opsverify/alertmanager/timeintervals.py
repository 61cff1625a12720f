"""Alertmanager time intervals (timeinterval/timeinterval.go): parsing the YAML and ``contains(instant)``.

A named interval holds several specs; the instant is inside when any spec contains it. A spec converts the instant to
its ``location`` (default UTC), then every field it sets must hold: ``times`` are ``[start, end)`` minutes of the day,
``weekdays``/``days_of_month``/``months``/``years`` inclusive ranges; negative days count from the month's end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august"]
MONTHS += ["september", "october", "november", "december"]

Range = tuple[int, int]


@dataclass(frozen=True)
class Spec:
    times: tuple[Range, ...] | None = None  # minutes of the day, [start, end)
    weekdays: tuple[Range, ...] | None = None  # 0 = Sunday, as Go's time.Weekday
    days_of_month: tuple[Range, ...] | None = None
    months: tuple[Range, ...] | None = None
    years: tuple[Range, ...] | None = None
    location: str = "UTC"

    def contains(self, instant: dt.datetime) -> bool:
        t = instant.astimezone(ZoneInfo(self.location))
        minute = t.hour * 60 + t.minute
        checks = (
            (self.times, lambda r: r[0] <= minute < r[1]),
            (self.days_of_month, lambda r: _day_in(r, t)),
            (self.months, lambda r: r[0] <= t.month <= r[1]),
            (self.weekdays, lambda r: r[0] <= (t.weekday() + 1) % 7 <= r[1]),
            (self.years, lambda r: r[0] <= t.year <= r[1]),
        )
        return all(ranges is None or any(ok(r) for r in ranges) for ranges, ok in checks)


def _day_in(r: Range, t: dt.datetime) -> bool:
    days = calendar.monthrange(t.year, t.month)[1]
    begin = days + r[0] + 1 if r[0] < 0 else r[0]
    end = days + r[1] + 1 if r[1] < 0 else r[1]
    if begin > days:
        return False
    begin, end = max(-days, min(begin, days)), max(-days, min(end, days))
    return begin <= t.day <= end


@dataclass(frozen=True)
class TimeInterval:
    name: str
    specs: tuple[Spec, ...]
    line: int = 0

    def contains(self, instant: dt.datetime) -> bool:
        return any(s.contains(instant) for s in self.specs)


class IntervalError(ValueError):
    """A bad time-interval field (message as Alertmanager words it)."""


def parse_spec(raw: dict[str, Any]) -> Spec:
    known = {"times", "weekdays", "days_of_month", "months", "years", "location"}
    for key in raw:
        if key not in known:
            raise IntervalError(f"field {key} not found in type timeinterval.plain")
    location = str(raw.get("location") or "UTC")
    try:
        ZoneInfo(location)
    except (ZoneInfoNotFoundError, ValueError):
        raise IntervalError(f"unknown time zone {location}") from None
    return Spec(
        times=_many(raw, "times", _time_range),
        weekdays=_many(raw, "weekdays", _weekday_range),
        days_of_month=_many(raw, "days_of_month", _day_range),
        months=_many(raw, "months", _month_range),
        years=_many(raw, "years", _year_range),
        location=location,
    )


def _many(raw: dict[str, Any], key: str, parse: Any) -> tuple[Range, ...] | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise IntervalError(f"{key}: expected a list")
    return tuple(parse(v) for v in value)


def _split(text: str, parse_one: Any) -> Range:
    parts = str(text).split(":")
    if len(parts) > 2:
        raise IntervalError(f"invalid range {text!r}")
    begin = parse_one(parts[0].strip())
    return begin, parse_one(parts[-1].strip())


def _named(names: list[str], what: str, offset: int) -> Any:
    def parse(text: str) -> int:
        if text.lower() in names:
            return names.index(text.lower()) + offset
        if what == "month" and re.fullmatch(r"\d+", text) and 1 <= int(text) <= 12:
            return int(text)
        raise IntervalError(f"{text} is not a valid {what}")

    return parse


def _weekday_range(text: str) -> Range:
    begin, end = _split(text, _named(WEEKDAYS, "weekday", 0))
    if begin > end:
        raise IntervalError("start day cannot be before end day")
    return begin, end


def _month_range(text: str) -> Range:
    begin, end = _split(text, _named(MONTHS, "month", 1))
    if begin > end:
        raise IntervalError(f"end month {MONTHS[end - 1]} is before start month {MONTHS[begin - 1]}")
    return begin, end


def _int(text: str) -> int:
    if not re.fullmatch(r"[-+]?\d+", text):
        raise IntervalError(f"{text!r} is not a number")
    return int(text)


def _day_range(text: str) -> Range:
    begin, end = _split(text, _int)
    for day in (begin, end):
        if day == 0 or not -31 <= day <= 31:
            raise IntervalError(f"{day} is not a valid day of the month: out of range")
    if begin < 0 < end:
        raise IntervalError("end day must be negative if start day is negative")
    if (28 + begin if begin < 0 else begin) > (28 + end if end < 0 else end):
        raise IntervalError(f"end day {end} is always before start day {begin}")
    return begin, end


def _year_range(text: str) -> Range:
    begin, end = _split(text, _int)
    if begin > end:
        raise IntervalError(f"end year {end} is before start year {begin}")
    return begin, end


_CLOCK = re.compile(r"^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")  # timeinterval.validTime


def _minute(text: Any) -> int:
    m = _CLOCK.match(str(text))
    if not m:
        raise IntervalError(f"couldn't parse timestamp {text}, invalid format")
    hour, minute = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return int(hour) * 60 + int(minute)


def _time_range(raw: Any) -> Range:
    if not isinstance(raw, dict) or not raw.get("start_time") or not raw.get("end_time"):
        raise IntervalError("both start and end times must be provided")
    start, end = _minute(raw["start_time"]), _minute(raw["end_time"])
    if start >= end:
        raise IntervalError("start time cannot be equal or greater than end time")
    return start, end
