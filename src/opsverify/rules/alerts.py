"""The alerting-rule state machine of Prometheus (rules/alerting.go): pending -> firing -> inactive,
``for`` (hold), ``keep_firing_for``, ``limit``, duplicate label sets, ALERTS / ALERTS_FOR_STATE samples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .model import Rule

LabelKey = tuple[tuple[str, str], ...]
PENDING, FIRING, INACTIVE = "pending", "firing", "inactive"

# (rule label template, alert name, sample labels, sample value, eval ts) -> rendered label value
LabelExpander = Callable[[str, str, dict[str, str], float, int], str]


# (rule, alert) -> rendered annotations
Annotator = Callable[[Rule, "Alert"], dict[str, str]]


class RuleError(Exception):
    """A rule evaluation failed at one timestamp (Prometheus reports it as the rule's last error)."""


def label_key(labels: dict[str, str]) -> LabelKey:
    return tuple(sorted(labels.items()))


@dataclass
class Alert:
    labels: dict[str, str]
    sample_labels: dict[str, str]
    value: float
    sample_ts: int
    active_at: int
    state: str = PENDING
    fired_at: int | None = None
    keep_firing_since: int | None = None
    annotations: dict[str, str] | None = None  # rendered at evaluation time when they run queries


class AlertingState:
    """Active alerts of one alerting rule across evaluations; ``step`` is one Eval at ``ts``."""

    def __init__(
        self, rule: Rule, expand_label: LabelExpander, limit: int = 0, annotate: Annotator | None = None
    ) -> None:
        self.rule = rule
        self.expand_label = expand_label
        self.limit = limit
        # Annotations that query the storage must see it as it is during this evaluation; others render lazily.
        self.annotate = annotate if any("query" in v for v in rule.annotations.values()) else None
        self.active: dict[LabelKey, Alert] = {}
        self.static_labels = all("{{" not in v for v in rule.labels.values())

    def alert_labels(self, sample: dict[str, str], value: float, ts: int) -> dict[str, str]:
        labels = {k: v for k, v in sample.items() if k != "__name__"}
        for name, text in self.rule.labels.items():
            rendered = text if self.static_labels else self.expand_label(text, self.rule.name, sample, value, ts)
            if rendered:
                labels[name] = rendered
            else:
                labels.pop(name, None)
        labels["alertname"] = self.rule.name
        return labels

    def step(self, ts: int, samples: list[tuple[dict[str, str], float]]) -> list[Alert]:
        """Apply one evaluation's result; return the alerts that produce ALERTS samples (pending or firing)."""
        current: dict[LabelKey, Alert] = {}
        for sample, value in samples:
            labels = self.alert_labels(sample, value, ts)
            key = label_key(labels)
            if key in current:
                raise RuleError("vector contains metrics with the same labelset after applying alert labels")
            current[key] = Alert(labels, sample, value, ts, ts)
        for key, new in current.items():
            old = self.active.get(key)
            if old is not None and old.state != INACTIVE:
                old.value, old.sample_labels, old.sample_ts = new.value, new.sample_labels, new.sample_ts
            else:
                self.active[key] = old = new
            if self.annotate is not None:
                old.annotations = self.annotate(self.rule, old)
        out = self._advance(ts, current)
        if self.limit > 0 and len(out) > self.limit:
            self.active = {}
            raise RuleError(f"exceeded limit of {self.limit} with {len(out)} alerts")
        return out

    def _advance(self, ts: int, current: dict[LabelKey, Alert]) -> list[Alert]:
        out: list[Alert] = []
        for key in list(self.active):
            alert = self.active[key]
            if key not in current:
                if not self._keeps_firing(alert, ts):
                    del self.active[key]  # resolved or dropped pending; inactive alerts never count in tests
                    continue
            else:
                alert.keep_firing_since = None
            if alert.state == PENDING and ts - alert.active_at >= self.rule.for_ms:
                alert.state, alert.fired_at = FIRING, ts
            out.append(alert)
        return out

    def _keeps_firing(self, alert: Alert, ts: int) -> bool:
        if alert.state != FIRING or self.rule.keep_firing_for_ms <= 0:
            return False
        if alert.keep_firing_since is None:
            alert.keep_firing_since = ts
        return ts - alert.keep_firing_since < self.rule.keep_firing_for_ms

    def firing(self) -> list[Alert]:
        """Snapshot copies of the firing alerts."""
        return [replace(a) for a in self.active.values() if a.state == FIRING]


def alerts_samples(rule_name: str, alerts: list[Alert]) -> list[tuple[dict[str, str], float]]:
    """The ALERTS and ALERTS_FOR_STATE samples one evaluation writes."""
    out: list[tuple[dict[str, str], float]] = []
    for a in alerts:
        out.append(({**a.labels, "__name__": "ALERTS", "alertstate": a.state}, 1.0))
        out.append(({**a.labels, "__name__": "ALERTS_FOR_STATE"}, float(a.active_at // 1000)))
    return out
