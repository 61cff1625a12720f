"""Per-sample functions of instant vectors: math, trig, clamp, round and the date functions."""

from __future__ import annotations

import math
from collections.abc import Callable

from opsverify.promql.arith import div

Float1 = Callable[[float], float]


def _safe(fn: Float1, on_zero: float = math.nan) -> Float1:
    """Wrap a math function so domain errors give NaN (or ``on_zero`` at 0) and overflow gives Inf, as in Go."""

    def wrapped(v: float) -> float:
        try:
            return fn(v)
        except ValueError:
            return on_zero if v == 0 else math.nan
        except OverflowError:
            return math.copysign(math.inf, v) if fn in (math.sinh, math.exp) and v < 0 else math.inf

    return wrapped


def _atanh(v: float) -> float:
    if v in (1.0, -1.0):
        return math.copysign(math.inf, v)
    return math.atanh(v)


def _exp(v: float) -> float:
    try:
        return math.exp(v)
    except OverflowError:
        return math.inf


def _sinh(v: float) -> float:
    try:
        return math.sinh(v)
    except OverflowError:
        return math.copysign(math.inf, v)


def _sgn(v: float) -> float:
    if v < 0:
        return -1.0
    if v > 0:
        return 1.0
    return v


def _int_op(fn: Callable[[float], int]) -> Float1:
    return lambda v: v if math.isnan(v) or math.isinf(v) else float(fn(v))


MATH: dict[str, Float1] = {
    "abs": abs,
    "ceil": _int_op(math.ceil),
    "floor": _int_op(math.floor),
    "exp": _exp,
    "sqrt": _safe(math.sqrt),
    "ln": _safe(math.log, -math.inf),
    "log2": _safe(math.log2, -math.inf),
    "log10": _safe(math.log10, -math.inf),
    "sgn": _sgn,
    "sin": _safe(math.sin),
    "cos": _safe(math.cos),
    "tan": _safe(math.tan),
    "asin": _safe(math.asin),
    "acos": _safe(math.acos),
    "atan": math.atan,
    "sinh": _sinh,
    "cosh": _safe(math.cosh),
    "tanh": math.tanh,
    "asinh": math.asinh,
    "acosh": _safe(math.acosh),
    "atanh": _safe(_atanh),
    "deg": lambda v: v * 180 / math.pi,
    "rad": lambda v: v * math.pi / 180,
}


def go_max(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return max(a, b)


def go_min(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return min(a, b)


def round_to(v: float, to_nearest: float) -> float:
    """Go: math.Floor(v*inverse+0.5) / inverse, with inverse = 1/to_nearest (round(x, 0) is NaN)."""
    inverse = div(1.0, to_nearest)
    x = v * inverse + 0.5
    floored = x if math.isinf(x) or math.isnan(x) else float(math.floor(x))
    return div(floored, inverse)


def _civil(seconds: float) -> tuple[int, int, int, int, int, int]:
    """(year, month, day, hour, minute, weekday with Sunday=0) of a Unix time in UTC."""
    secs = int(seconds)
    days, rem = divmod(secs, 86400)
    weekday = (days + 4) % 7
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year, month, day, rem // 3600, rem % 3600 // 60, weekday


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


_MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _days_in_month(y: int, m: int) -> int:
    return 29 if m == 2 and _leap(y) else _MONTH_DAYS[m - 1]


def _day_of_year(y: int, m: int, d: int) -> int:
    return sum(_days_in_month(y, k) for k in range(1, m)) + d


def _date(pick: Callable[[tuple[int, int, int, int, int, int]], int]) -> Float1:
    def fn(v: float) -> float:
        if math.isnan(v) or math.isinf(v):
            return math.nan
        return float(pick(_civil(v)))

    return fn


DATES: dict[str, Float1] = {
    "year": _date(lambda c: c[0]),
    "month": _date(lambda c: c[1]),
    "day_of_month": _date(lambda c: c[2]),
    "hour": _date(lambda c: c[3]),
    "minute": _date(lambda c: c[4]),
    "day_of_week": _date(lambda c: c[5]),
    "days_in_month": _date(lambda c: _days_in_month(c[0], c[1])),
    "day_of_year": _date(lambda c: _day_of_year(c[0], c[1], c[2])),
}
