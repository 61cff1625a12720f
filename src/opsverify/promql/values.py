"""Public result types and float helpers: staleness markers, labels, series, vectors, scalars."""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from opsverify.errors import OpsverifyError

STALE_NAN: float = struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000002))[0]
_STALE_BITS = 0x7FF0000000000002

Labels = tuple[tuple[str, str], ...]


class PromQLError(OpsverifyError):
    """A query Prometheus would reject or fail: bad syntax, bad arguments, duplicate series, ..."""


class UnsupportedError(PromQLError):
    """A feature this evaluator refuses on purpose (native histograms, experimental functions)."""


def is_stale(value: float) -> bool:
    """True only for Prometheus' staleness marker, not for an ordinary NaN."""
    if value == value:
        return False
    return bool(struct.unpack("<Q", struct.pack("<d", value))[0] == _STALE_BITS)


def make_labels(labels: Mapping[str, str]) -> Labels:
    """Canonical hashable label set: sorted pairs, empty values dropped (as Prometheus does)."""
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


def format_value(value: float) -> str:
    """Go-like float text: 1, 0.5, 1e+06, NaN, +Inf."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def format_labels(labels: Mapping[str, str]) -> str:
    """``name{a="b"}`` the way Prometheus 3 prints a metric (names outside the legacy charset quoted)."""
    name = labels.get("__name__", "")
    parts = [
        f"{k if _LABEL_NAME.match(k) else _quote(k)}={_quote(v)}" for k, v in sorted(labels.items()) if k != "__name__"
    ]
    if name and not _METRIC_NAME.match(name):
        return "{" + ", ".join([_quote(name), *parts]) + "}"
    return name + "{" + ", ".join(parts) + "}"


def go_labels(labels: Mapping[str, str]) -> str:
    """Go's labels.String(): ``{__name__="up", job="api"}``."""
    return "{" + ", ".join(f"{k}={_quote(v)}" for k, v in sorted(labels.items())) + "}"


def go_g(value: float) -> str:
    """Go's %g for a float."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return f"{value:g}"


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@dataclass(frozen=True)
class Sample:
    """One value of an instant vector: labels, value and the evaluation time in ms."""

    labels: dict[str, str]
    value: float
    t_ms: int

    def __repr__(self) -> str:
        return f"{format_labels(self.labels)} => {format_value(self.value)} @ {self.t_ms}"


@dataclass
class Series:
    """A series with points (t_ms, value), as a range query or a range vector returns."""

    labels: dict[str, str]
    points: list[tuple[int, float]] = field(default_factory=list)

    def __repr__(self) -> str:
        pts = " ".join(f"{format_value(v)} @ {t}" for t, v in self.points)
        return f"{format_labels(self.labels)} => {pts}"


@dataclass
class InstantVector:
    """Result of an instant query of vector type; keeps the order the query produced."""

    samples: list[Sample]
    t_ms: int

    def __iter__(self) -> Iterator[Sample]:
        return iter(self.samples)

    def __len__(self) -> int:
        return len(self.samples)

    def __repr__(self) -> str:
        if not self.samples:
            return f"<empty vector @ {self.t_ms}>"
        return "\n".join(repr(s) for s in self.samples)


@dataclass
class RangeResult:
    """Result of a range query (or an instant query returning a range vector), sorted by labels."""

    series: list[Series]

    def __iter__(self) -> Iterator[Series]:
        return iter(self.series)

    def __len__(self) -> int:
        return len(self.series)

    def __repr__(self) -> str:
        if not self.series:
            return "<empty matrix>"
        return "\n".join(repr(s) for s in self.series)


@dataclass(frozen=True)
class Scalar:
    """A scalar result at time ``t_ms``."""

    value: float
    t_ms: int

    def __repr__(self) -> str:
        return f"scalar {format_value(self.value)} @ {self.t_ms}"


@dataclass(frozen=True)
class String:
    """A string literal result."""

    value: str
    t_ms: int

    def __repr__(self) -> str:
        return f"string {self.value!r} @ {self.t_ms}"
