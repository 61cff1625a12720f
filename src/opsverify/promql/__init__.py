"""A PromQL evaluator with Prometheus 3 semantics on the promql-parser AST.

>>> from opsverify.promql import Storage, Engine
>>> storage = Storage()
>>> storage.load('up{job="api"} 1 1 0')
>>> Engine(storage).instant('up == 0', 120_000)
up{job="api"} => 0 @ 120000
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opsverify.promql.engine import Engine, parse
    from opsverify.promql.storage import Storage
    from opsverify.promql.values import (
        STALE_NAN,
        InstantVector,
        PromQLError,
        RangeResult,
        Sample,
        Scalar,
        Series,
        String,
        UnsupportedError,
        is_stale,
    )

_HOMES = {"Engine": "engine", "parse": "engine", "Storage": "storage"}  # the rest live in values


def __getattr__(name: str) -> Any:
    """The engine is imported on first use: ``opsverify.promql.regex`` alone (probes' matchers) stays cheap."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"opsverify.promql.{_HOMES.get(name, 'values')}"), name)


__all__ = [
    "STALE_NAN",
    "Engine",
    "InstantVector",
    "PromQLError",
    "RangeResult",
    "Sample",
    "Scalar",
    "Series",
    "Storage",
    "String",
    "UnsupportedError",
    "is_stale",
    "parse",
]
