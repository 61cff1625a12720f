"""Internal values of the vectorised evaluator: every node is evaluated over a whole step grid at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from opsverify.promql.values import Labels, PromQLError

Vals = list[float | None]

NAME = "__name__"


@dataclass(slots=True)
class Row:
    """One output series over the step grid; ``None`` where it has no value at a step."""

    labels: Labels
    vals: Vals
    drop_name: bool = False


@dataclass(slots=True)
class VectorData:
    rows: list[Row]


@dataclass(slots=True)
class ScalarData:
    vals: list[float]


@dataclass(slots=True)
class StringData:
    val: str


@dataclass(slots=True)
class MSeries:
    """Samples of one series (staleness markers removed), sorted by time."""

    labels: Labels
    ts: list[int]
    vs: list[float]
    drop_name: bool = False


@dataclass(slots=True)
class MatrixData:
    """A range vector over the grid: per step the window (ends[i] - range_ms, ends[i]]."""

    series: list[MSeries]
    range_ms: int
    ends: list[int]


Value = VectorData | ScalarData | StringData | MatrixData


@dataclass(slots=True)
class Grid:
    """The steps a node is evaluated at, and the query-wide start/end for ``@ start()``/``@ end()``."""

    steps: list[int]
    q_start: int
    q_end: int
    q_step: int = 0
    pin: int | None = None  # selectors/subqueries without @ read as if written "@ pin" (promqltest's @ check)
    annotations: list[tuple[str, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.steps)

    def warn(self, text: str) -> None:
        if ("warn", text) not in self.annotations:
            self.annotations.append(("warn", text))

    def info(self, text: str) -> None:
        if ("info", text) not in self.annotations:
            self.annotations.append(("info", text))


def get_label(labels: Labels, name: str) -> str:
    for k, v in labels:
        if k == name:
            return v
    return ""


def without(labels: Labels, names: set[str] | frozenset[str]) -> Labels:
    return tuple(p for p in labels if p[0] not in names)


def only(labels: Labels, names: set[str] | frozenset[str]) -> Labels:
    return tuple(p for p in labels if p[0] in names)


def with_label(labels: Labels, name: str, value: str) -> Labels:
    rest = [p for p in labels if p[0] != name]
    if value != "":
        rest.append((name, value))
    return tuple(sorted(rest))


_METADATA = frozenset({NAME, "__type__", "__unit__"})


def drop_name(labels: Labels) -> Labels:
    """Drop the metric name and the other metadata labels (``__type__``, ``__unit__``) as Prometheus does."""
    return tuple(p for p in labels if p[0] not in _METADATA)


def merge_rows(rows: list[Row], n: int) -> list[Row]:
    """Merge rows with equal label sets; two values at one step are Prometheus' duplicate-labelset error."""
    by_key: dict[Labels, Row] = {}
    out: list[Row] = []
    for row in rows:
        seen = by_key.get(row.labels)
        if seen is None:
            by_key[row.labels] = row
            out.append(row)
            continue
        if seen.vals is row.vals:
            raise PromQLError("vector cannot contain metrics with the same labelset")
        merged = list(seen.vals)
        for i in range(n):
            v = row.vals[i]
            if v is not None:
                if merged[i] is not None:
                    raise PromQLError("vector cannot contain metrics with the same labelset")
                merged[i] = v
        seen.vals = merged
    return out


def finish_names(rows: list[Row], n: int) -> list[Row]:
    """Delayed name removal: drop ``__name__`` where flagged, then merge equal label sets."""
    for row in rows:
        if row.drop_name:
            row.labels = drop_name(row.labels)
            row.drop_name = False
    return merge_rows(rows, n)
