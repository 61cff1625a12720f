"""Float operators with Go semantics (no Python exceptions for 1/0, overflow or domain errors)."""

from __future__ import annotations

import math
from collections.abc import Callable

ARITH = {"+", "-", "*", "/", "%", "^", "atan2"}
COMPARISON = {"==", "!=", ">", "<", ">=", "<="}
SET_OPS = {"and", "or", "unless"}


def div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def mod(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def power(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        if a < 0 and b == int(b) and int(b) % 2 == 1:
            return -math.inf
        return math.inf
    except ValueError:
        if a == 0 and b < 0:
            return math.inf
        return math.nan


OPS: dict[str, Callable[[float, float], float | bool]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": div,
    "%": mod,
    "^": power,
    "atan2": math.atan2,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def scalar_op(op: str, a: float, b: float) -> float:
    """scalar <op> scalar: comparisons give 1/0."""
    r = OPS[op](a, b)
    return float(r) if isinstance(r, bool) else r


def elem_op(op: str, a: float, b: float) -> tuple[float, bool]:
    """vector element op: (value, keep); comparisons keep the left value when true."""
    r = OPS[op](a, b)
    if isinstance(r, bool):
        return a, r
    return r, True
