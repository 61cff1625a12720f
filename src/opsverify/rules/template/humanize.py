"""Prometheus' number formatting functions: humanize, humanize1024, humanizeDuration, humanizePercentage,
humanizeTimestamp; Go ``%.4g`` semantics."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from .execute import FuncError
from .gofmt import format_float
from .values import go_type


def to_float(v: Any) -> float:
    """Prometheus convertToFloat: float64, ints, and strings parsed as Go's strconv.ParseFloat."""
    if isinstance(v, bool):
        raise FuncError(f"can't convert {go_type(v)} to float")
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        return _parse_float(v)
    raise FuncError(f"can't convert {go_type(v)} to float")


def _parse_float(s: str) -> float:
    text = s.replace("_", "") if "_" in s and not s.startswith("_") else s
    lowered = text.lower().lstrip("+-")
    if lowered in ("inf", "infinity", "nan") or (lowered and lowered[0] in "0123456789."):
        try:
            return float(text)
        except ValueError:
            pass
    raise FuncError(f'strconv.ParseFloat: parsing "{s}": invalid syntax')


def g4(v: float) -> str:
    return format_float(v, "g", 4)


def _scale_down(v: float, prefixes: list[str], base: float) -> tuple[float, str]:
    prefix = ""
    for p in prefixes:
        if abs(v) < base:
            break
        prefix = p
        v /= base
    return v, prefix


def _scale_up(v: float) -> tuple[float, str]:
    prefix = ""
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"]:
        if abs(v) >= 1:
            break
        prefix = p
        v *= 1000
    return v, prefix


def humanize(i: Any) -> str:
    v = to_float(i)
    if v == 0 or math.isnan(v) or math.isinf(v):
        return g4(v)
    if abs(v) >= 1:
        v, prefix = _scale_down(v, ["k", "M", "G", "T", "P", "E", "Z", "Y"], 1000)
        return g4(v) + prefix
    v, prefix = _scale_up(v)
    return g4(v) + prefix


def humanize1024(i: Any) -> str:
    v = to_float(i)
    if abs(v) <= 1 or math.isnan(v) or math.isinf(v):
        return g4(v)
    v, prefix = _scale_down(v, ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"], 1024)
    return g4(v) + prefix


def humanize_duration(i: Any) -> str:
    v = to_float(i)
    if math.isnan(v) or math.isinf(v):
        return g4(v)
    if v == 0:
        return g4(v) + "s"
    if abs(v) >= 1:
        sign = "-" if v < 0 else ""
        v = abs(v)
        total = go_int64(v)
        seconds, minutes = _rem(total, 60), _rem(_quo(total, 60), 60)
        hours, days = _rem(_quo(total, 3600), 24), _quo(total, 86400)
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{g4(v)}s"
    v, prefix = _scale_up(v)
    return f"{g4(v)}{prefix}s"


def go_int64(v: float) -> int:
    """Go's int64(float64) on amd64: truncation, and the "integer indefinite" value when out of range."""
    if not -(2.0**63) <= v < 2.0**63:
        return -(2**63)
    return int(v)


def _quo(a: int, b: int) -> int:
    """Go integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _rem(a: int, b: int) -> int:
    return a - b * _quo(a, b)


def humanize_percentage(i: Any) -> str:
    return g4(to_float(i) * 100) + "%"


def humanize_timestamp(i: Any) -> str:
    v = to_float(i)
    if math.isnan(v) or math.isinf(v):
        return g4(v)
    return go_time_string(v)


def go_time_string(seconds: float) -> str:
    """fmt.Sprint of a UTC time.Time at millisecond precision (model.Time): ``1970-01-01 00:00:01.5 +0000 UTC``."""
    nanos = seconds * 1e9
    if not -(2**63) <= nanos <= 2**63 - 1:
        raise FuncError(
            f"{format_float(seconds, 'v', None)} cannot be represented as a nanoseconds timestamp since it overflows int64"
        )
    ms = int(int(nanos) / 1_000_000)
    when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    frac = f".{ms % 1000:03d}".rstrip("0").rstrip(".")
    return when.strftime("%Y-%m-%d %H:%M:%S") + frac + " +0000 UTC"
