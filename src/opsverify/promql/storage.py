"""In-memory series storage: sorted samples per label set, loaded from notation or added directly."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from opsverify.errors import SourceError
from opsverify.promql.notation import expand_values, parse_selector_labels, parse_series_line
from opsverify.promql.values import Labels, PromQLError, UnsupportedError, make_labels


@dataclass
class StoredSeries:
    labels: Labels
    ts: list[int] = field(default_factory=list)
    vs: list[float] = field(default_factory=list)

    def put(self, t: int, v: float) -> None:
        if not self.ts or t > self.ts[-1]:
            self.ts.append(t)
            self.vs.append(v)
            return
        i = bisect.bisect_left(self.ts, t)
        if i < len(self.ts) and self.ts[i] == t:
            self.vs[i] = v
        else:
            self.ts.insert(i, t)
            self.vs.insert(i, v)


class Storage:
    """Holds series for the engine. ``t`` is milliseconds since the epoch (0 in tests)."""

    def __init__(self) -> None:
        self._series: dict[Labels, StoredSeries] = {}
        self._sorted: list[StoredSeries] | None = None
        self._by_name: dict[str, list[StoredSeries]] = {}

    def add(self, labels: Mapping[str, str], samples: Iterable[tuple[int, float]]) -> None:
        """Append or merge samples (a later value at the same timestamp wins); keeps them sorted."""
        key = make_labels(labels)
        if not key:
            raise PromQLError("a series needs at least one label")
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = StoredSeries(key)
            self._sorted = None
            self._by_name = {}
        for t, v in samples:
            series.put(int(t), float(v))

    def load(self, text: str, interval_ms: int = 60_000, *, file: str | None = None, first_line: int = 1) -> None:
        """Load the body of a promqltest ``load`` command: one ``selector values`` line per series."""
        for offset, raw in enumerate(text.splitlines()):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                labels, values = parse_series_line(line)
            except UnsupportedError as exc:
                raise UnsupportedError(f"{file or '<load>'}:{first_line + offset}: {exc}") from None
            except PromQLError as exc:
                raise SourceError(file or "<load>", first_line + offset, str(exc)) from None
            self._add_values(labels, values, interval_ms)

    def load_series(self, series: Mapping[str, str], interval_ms: int, *, start_ms: int = 0) -> None:
        """promtool ``input_series`` style: ``{'up{job="api"}': "1 1 0x10"}``; the first value at ``start_ms``."""
        for selector, values in series.items():
            self._add_values(parse_selector_labels(selector), expand_values(values), interval_ms, start_ms)

    def _add_values(self, labels: Labels, values: list[float | None], interval_ms: int, start_ms: int = 0) -> None:
        samples = [(start_ms + i * interval_ms, v) for i, v in enumerate(values) if v is not None]
        self.add(dict(labels), samples)

    def clear(self) -> None:
        self._series.clear()
        self._sorted = None
        self._by_name = {}

    def select(self, match: Callable[[Labels], bool], name: str | None = None) -> list[StoredSeries]:
        """All series whose labels satisfy ``match``, in label order; ``name`` narrows the scan to one metric."""
        if self._sorted is None:
            self._sorted = [s for _, s in sorted(self._series.items())]
            for s in self._sorted:
                self._by_name.setdefault(dict(s.labels).get("__name__", ""), []).append(s)
        candidates = self._by_name.get(name, []) if name is not None else self._sorted
        return [s for s in candidates if match(s.labels)]

    def __len__(self) -> int:
        return len(self._series)
