"""Go ``*time.Time`` and ``*time.Duration`` values for templates (``toTime``, ``toDuration``), with the methods a
template can call on them: ``{{ (18000 | toTime).Format "2006-01-02" }}``, ``{{ (90 | toDuration).Minutes }}``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import TemplateExecError

_LAYOUT = re.compile(
    r"January|Jan|Monday|Mon|MST|2006|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07"
    r"|002|__2|_2(?!006)|01|02|03|04|05|06|15|1|2|3|4|5|PM|pm|[.,](?:0+|9+)(?!\d)"
)
_ZONES = {"-07:00:00": "+00:00:00", "-070000": "+000000", "-07:00": "+00:00", "-0700": "+0000", "-07": "+00"}


class GoTime:
    """A UTC ``*time.Time`` at nanosecond precision (as ``toTime`` builds it from float seconds)."""

    go_type_name = "*time.Time"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        whole = int(seconds // 1)
        self.nanos = round((seconds - whole) * 1e9)
        self.dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=whole)

    def __str__(self) -> str:
        from .humanize import go_time_string  # humanize imports the executor, which imports this module

        return go_time_string(self.seconds)

    def methods(self) -> dict[str, Callable[..., Any]]:
        dt = self.dt
        return {
            "Format": self.format,
            "String": lambda: str(self),
            "Unix": lambda: int(self.seconds // 1),
            "UnixMilli": lambda: int(self.seconds * 1000 // 1),
            "UTC": lambda: self,
            "Year": lambda: dt.year,
            "Month": lambda: dt.strftime("%B"),
            "Day": lambda: dt.day,
            "Hour": lambda: dt.hour,
            "Minute": lambda: dt.minute,
            "Second": lambda: dt.second,
            "Nanosecond": lambda: self.nanos,
            "YearDay": lambda: dt.timetuple().tm_yday,
            "Weekday": lambda: dt.strftime("%A"),
        }

    def format(self, layout: str) -> str:
        """Go's ``Time.Format`` with a reference-time layout (``2006-01-02T15:04:05Z07:00``), in UTC."""
        return _LAYOUT.sub(lambda m: self._chunk(m.group(0)), layout)

    def _chunk(self, token: str) -> str:
        dt, hour12 = self.dt, (self.dt.hour % 12) or 12
        fixed = {
            "January": dt.strftime("%B"),
            "Jan": dt.strftime("%b"),
            "Monday": dt.strftime("%A"),
            "Mon": dt.strftime("%a"),
            "MST": "UTC",
            "2006": f"{dt.year:04d}",
            "06": f"{dt.year % 100:02d}",
            "01": f"{dt.month:02d}",
            "1": str(dt.month),
            "02": f"{dt.day:02d}",
            "2": str(dt.day),
            "_2": f"{dt.day:>2d}",
            "002": f"{dt.timetuple().tm_yday:03d}",
            "__2": f"{dt.timetuple().tm_yday:>3d}",
            "15": f"{dt.hour:02d}",
            "03": f"{hour12:02d}",
            "3": str(hour12),
            "04": f"{dt.minute:02d}",
            "4": str(dt.minute),
            "05": f"{dt.second:02d}",
            "5": str(dt.second),
            "PM": "PM" if dt.hour >= 12 else "AM",
            "pm": "pm" if dt.hour >= 12 else "am",
        }
        if token in fixed:
            return fixed[token]
        if token in _ZONES:
            return _ZONES[token]
        if token.startswith("Z0"):
            return "Z"
        digits = f"{self.nanos:09d}"[: len(token) - 1]
        if token[1] == "0":
            return token[0] + digits
        digits = digits.rstrip("0")
        return token[0] + digits if digits else ""


class GoDuration:
    """A ``*time.Duration`` (int64 nanoseconds), as ``toDuration`` builds it from float seconds."""

    go_type_name = "*time.Duration"

    def __init__(self, seconds: float) -> None:
        self.nanos = int(seconds * 1e9)

    def __str__(self) -> str:
        return go_duration_string(self.nanos)

    def methods(self) -> dict[str, Callable[..., Any]]:
        n = self.nanos
        return {
            "String": lambda: str(self),
            "Seconds": lambda: n / 1e9,
            "Minutes": lambda: n / 6e10,
            "Hours": lambda: n / 3.6e12,
            "Milliseconds": lambda: int(n / 1e6),
            "Nanoseconds": lambda: n,
        }


def go_duration_string(nanos: int) -> str:
    """Go's ``Duration.String``: ``1h2m3.5s``, ``1.5ms``, ``100µs``, ``0s``."""
    if nanos == 0:
        return "0s"
    sign, n = ("-" if nanos < 0 else ""), abs(nanos)
    if n < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if n >= size:
                return sign + _decimal(n, size) + unit
    hours, rest = divmod(n, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    text = _decimal(rest, 1_000_000_000) + "s"
    if hours or minutes:
        text = f"{minutes}m" + text
    if hours:
        text = f"{hours}h" + text
    return sign + text


def _decimal(n: int, size: int) -> str:
    whole, frac = divmod(n, size)
    if not frac:
        return str(whole)
    width = len(str(size)) - 1
    return f"{whole}." + f"{frac:0{width}d}".rstrip("0")


def call_method(value: Any, name: str, args: list[Any]) -> Any:
    """Call method ``name`` of a Go value; TemplateExecError text as Go's when there is none or args mismatch."""
    methods = value.methods() if isinstance(value, GoTime | GoDuration) else {}
    if name not in methods:
        raise TemplateExecError(f"can't evaluate field {name} in type {getattr(value, 'go_type_name', '?')}")
    try:
        return methods[name](*args)
    except TypeError:
        raise TemplateExecError(f"wrong number of args for {name}: got {len(args)}") from None
