"""One evaluation session: input series loaded into storage, rule groups evaluated, queries and templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opsverify.durations import format_duration
from opsverify.errors import SourceError

from ._promql import Engine, PromQLError, Storage
from .alerts import Alert
from .evaluate import Evaluator, Outcome, SampleList, to_samples
from .model import Group
from .template import expand_alert_text

LOOKBACK_MS = 300_000
# Prometheus 2 (Debian's promtool 2.42) counts a sample exactly 5m old; one extra ms reproduces that on ms grids.
PROMETHEUS2_LOOKBACK_MS = LOOKBACK_MS + 1


def order_groups(groups: Sequence[Group], order: Sequence[str]) -> list[Group]:
    """promtool's orderedGroups: groups named in group_eval_order by position, the others first (stable)."""
    pos = {name: i for i, name in enumerate(order)}
    return sorted(groups, key=lambda g: pos.get(g.name, 0))


def make_engine(storage: Storage, interval_ms: int, lookback_ms: int = LOOKBACK_MS) -> Engine:
    return Engine(storage, lookback_ms=lookback_ms, subquery_step_ms=interval_ms)


class Session:
    """Storage + engine for one test group (or one Python API run)."""

    def __init__(
        self,
        interval_ms: int,
        external_labels: Mapping[str, str] | None = None,
        external_url: str = "",
        lookback_ms: int = LOOKBACK_MS,
    ) -> None:
        self.storage = Storage()
        self.interval_ms = interval_ms
        self.engine = make_engine(self.storage, interval_ms, lookback_ms)
        self.external_labels = dict(external_labels or {})
        self.external_url = external_url

    def load(
        self, series: str, values: str, series_interval_ms: int, file: str = "", line: int = 0, start_ms: int = 0
    ) -> None:
        try:
            self.storage.load_series({series: values}, series_interval_ms, start_ms=start_ms)
        except (PromQLError, ValueError) as exc:
            raise SourceError(file or "<series>", line, f"input series {series!r}: {exc}") from None

    def query(self, expr: str, t_ms: int) -> SampleList:
        return to_samples(self.engine.instant(expr, t_ms))

    def expand(self, text: str, alert: str, labels: dict[str, str], value: float, ts: int) -> str:
        return expand_alert_text(
            text,
            alert,
            labels,
            value,
            self.external_labels,
            self.external_url,
            lambda expr: self.query(expr, ts),
            ts / 1000,
        )

    def evaluate(self, groups: Sequence[Group], end_ms: int, snapshot_ts: set[int], start_ms: int = 0) -> Outcome:
        """Evaluate ``groups`` at every interval from ``start_ms`` to ``start_ms + end_ms``."""
        evaluator = Evaluator(
            groups,
            self.storage,
            self.engine,
            self.interval_ms,
            end_ms,
            snapshot_ts,
            self.expand,
            lambda rule, alert: self.render(alert, rule.annotations),
            start_ms,
        )
        return evaluator.run()

    def annotations(self, alert: Alert, rule_annotations: Mapping[str, str]) -> dict[str, str]:
        """An alert's annotations as its last evaluation rendered them (or would have: labels, value, time)."""
        return alert.annotations if alert.annotations is not None else self.render(alert, rule_annotations)

    def render(self, alert: Alert, rule_annotations: Mapping[str, str]) -> dict[str, str]:
        name = alert.labels["alertname"]
        return {
            k: self.expand(v, name, alert.sample_labels, alert.value, alert.sample_ts)
            for k, v in rule_annotations.items()
        }


def eval_time_text(ms: int) -> str:
    return format_duration(ms / 1000)
