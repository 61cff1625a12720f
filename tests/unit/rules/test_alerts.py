"""The alert state machine (no PromQL): for, keep_firing_for, resets, duplicates, limit, ALERTS samples."""

from __future__ import annotations

import pytest

from opsverify.rules.alerts import FIRING, PENDING, AlertingState, RuleError, alerts_samples
from opsverify.rules.model import Rule

MIN = 60_000


def make_rule(for_ms: int = 0, keep_ms: int = 0, labels: dict[str, str] | None = None) -> Rule:
    return Rule("alert", "Down", "up == 0", labels or {"severity": "page"}, {}, for_ms, keep_ms, "r.yml", 1)


def no_expand(text: str, alert: str, labels: dict[str, str], value: float, ts: int) -> str:
    return text.replace("{{ $labels.job }}", labels.get("job", ""))


SAMPLE = ({"__name__": "up", "job": "api"}, 0.0)


def run(state: AlertingState, present: list[bool]) -> list[list[str]]:
    return [[a.state for a in state.step(i * MIN, [SAMPLE] if p else [])] for i, p in enumerate(present)]


def test_pending_then_firing_after_for() -> None:
    states = run(AlertingState(make_rule(for_ms=2 * MIN), no_expand), [True] * 4)
    assert states == [[PENDING], [PENDING], [FIRING], [FIRING]]


def test_gap_resets_pending() -> None:
    states = run(AlertingState(make_rule(for_ms=2 * MIN), no_expand), [True, True, False, True, True, True])
    assert states == [[PENDING], [PENDING], [], [PENDING], [PENDING], [FIRING]]


def test_keep_firing_for_holds_a_firing_alert() -> None:
    state = AlertingState(make_rule(keep_ms=2 * MIN), no_expand)
    assert run(state, [True, False, False, False]) == [[FIRING], [FIRING], [FIRING], []]


def test_alert_labels_drop_name_add_rule_labels_and_alertname() -> None:
    state = AlertingState(make_rule(labels={"severity": "page", "team": "{{ $labels.job }}", "job": ""}), no_expand)
    (alert,) = state.step(0, [SAMPLE])
    assert alert.labels == {"alertname": "Down", "severity": "page", "team": "api"}


def test_duplicate_label_sets_are_an_error() -> None:
    state = AlertingState(make_rule(), no_expand)
    with pytest.raises(RuleError, match="same labelset after applying alert labels"):
        state.step(0, [({"__name__": "a", "job": "x"}, 1.0), ({"__name__": "b", "job": "x"}, 1.0)])


def test_limit_is_an_error() -> None:
    state = AlertingState(make_rule(), no_expand, limit=1)
    with pytest.raises(RuleError, match="exceeded limit of 1 with 2 alerts"):
        state.step(0, [({"job": "x"}, 1.0), ({"job": "y"}, 1.0)])


def test_alerts_series_samples() -> None:
    state = AlertingState(make_rule(for_ms=MIN), no_expand)
    state.step(2 * MIN, [SAMPLE])
    samples = alerts_samples("Down", state.step(3 * MIN, [SAMPLE]))
    assert samples == [
        ({"job": "api", "severity": "page", "alertname": "Down", "__name__": "ALERTS", "alertstate": "firing"}, 1.0),
        ({"job": "api", "severity": "page", "alertname": "Down", "__name__": "ALERTS_FOR_STATE"}, 120.0),
    ]
