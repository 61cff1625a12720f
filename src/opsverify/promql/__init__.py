"""A PromQL evaluator with Prometheus 3 semantics on the promql-parser AST.

>>> from opsverify.promql import Storage, Engine
>>> storage = Storage()
>>> storage.load('up{job="api"} 1 1 0')
>>> Engine(storage).instant('up == 0', 120_000)
up{job="api"} => 0 @ 120000
"""

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
