"""The one place the rules package touches the PromQL evaluator (its public API only)."""

from __future__ import annotations

from opsverify.promql import (
    STALE_NAN,
    Engine,
    InstantVector,
    PromQLError,
    RangeResult,
    Scalar,
    Storage,
    is_stale,
)

__all__ = [
    "STALE_NAN",
    "Engine",
    "InstantVector",
    "PromQLError",
    "RangeResult",
    "Scalar",
    "Storage",
    "is_stale",
]
