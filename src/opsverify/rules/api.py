"""Python API for rule tests that YAML says poorly::

rules = RuleSet.load("monitoring/rules/*.yml")
run = rules.evaluate(series={'up{job="api"}': "1 1 0x10"}, until="10m")
assert run.firing("APIDown", at="3m") == [{"alertname": "APIDown", "job": "api", "severity": "critical"}]
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from opsverify.durations import parse_duration

from .evaluate import Outcome
from .model import Group, load_rule_file
from .session import LOOKBACK_MS, Session, order_groups

Duration = str | int | float  # "5m", or seconds


def _ms(value: Duration) -> int:
    return round((parse_duration(value) if isinstance(value, str) else float(value)) * 1000)


@dataclass
class FiringAlert:
    labels: dict[str, str]
    annotations: dict[str, str]


class RuleRun:
    """The result of evaluating a :class:`RuleSet` over input series: alert states at every step, queries."""

    def __init__(self, session: Session, outcome: Outcome, until_ms: int) -> None:
        self.session = session
        self.outcome = outcome
        self.until_ms = until_ms
        if outcome.error_ts is not None:
            errors = "; ".join(f"{name}: {err}" for name, err in outcome.errors)
            raise RuleEvaluationError(f"rule evaluation failed at {outcome.error_ts // 1000}s: {errors}")

    def _step(self, at: Duration) -> int:
        t = _ms(at)
        if not 0 <= t <= self.until_ms:
            raise ValueError(f"at={at!r} is outside the evaluated range 0..{self.until_ms // 1000}s")
        return (t // self.session.interval_ms) * self.session.interval_ms

    def alerts(self, alertname: str, at: Duration) -> list[FiringAlert]:
        """Firing alerts named ``alertname`` as of the last evaluation at or before ``at``, with annotations."""
        found = self.outcome.snapshots.get(self._step(at), {}).get(alertname, [])
        out = [FiringAlert(dict(a.labels), self.session.annotations(a, rule.annotations)) for a, rule in found]
        return sorted(out, key=lambda f: sorted(f.labels.items()))

    def firing(self, alertname: str, at: Duration) -> list[dict[str, str]]:
        """Label sets of the firing alerts named ``alertname`` at ``at`` (sorted), as promtool compares them."""
        return [a.labels for a in self.alerts(alertname, at)]

    def query(self, expr: str, at: Duration) -> list[tuple[dict[str, str], float]]:
        """An instant query at ``at`` against the input series plus everything the rules wrote."""
        return self.session.query(expr, _ms(at))


class RuleEvaluationError(Exception):
    """A rule failed to evaluate (query error, duplicate label sets, limit exceeded)."""


class RuleSet:
    """Rule groups loaded from rule files; evaluate them against input series in promtool notation."""

    def __init__(self, groups: Sequence[Group] = ()) -> None:
        self.groups = list(groups)

    @classmethod
    def load(cls, *patterns: str | Path, base: str | Path | None = None) -> RuleSet:
        """Load rule files (globs allowed, relative to ``base``); a bad file raises SourceError with file:line."""
        groups: list[Group] = []
        for path in _expand(patterns, base):
            groups.extend(load_rule_file(path))
        return cls(groups)

    def alert_names(self) -> list[str]:
        return [r.name for g in self.groups for r in g.rules if r.kind == "alert"]

    def evaluate(
        self,
        series: Mapping[str, str],
        until: Duration,
        *,
        interval: Duration = "1m",
        series_interval: Duration | None = None,
        external_labels: Mapping[str, str] | None = None,
        external_url: str = "",
        group_eval_order: Sequence[str] = (),
        lookback_ms: int = LOOKBACK_MS,
    ) -> RuleRun:
        """Evaluate every group at each ``interval`` from 0 to ``until`` as promtool does."""
        interval_ms, until_ms = _ms(interval), _ms(until)
        session = Session(interval_ms, external_labels, external_url, lookback_ms)
        step_ms = _ms(series_interval) if series_interval is not None else interval_ms
        for selector, values in series.items():
            session.load(selector, values, step_ms)
        steps = set(range(0, until_ms + 1, interval_ms))
        outcome = session.evaluate(order_groups(self.groups, group_eval_order), until_ms, steps)
        return RuleRun(session, outcome, until_ms)


def _expand(patterns: Iterable[str | Path], base: str | Path | None) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        full = Path(base) / pattern if base is not None else Path(pattern)
        matches = sorted(glob.glob(str(full)))
        out.extend(matches if matches else [str(full)])  # a missing plain path reports "file not found"
    return out
