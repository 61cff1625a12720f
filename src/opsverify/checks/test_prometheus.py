"""Runbook: Prometheus is healthy and ready, every target up, rules load and evaluate, nothing serious firing,
retention and TSDB size as planned, the last reload worked, config and rule files validate, no dead alerts."""

import pytest

from opsverify.inventory.prometheus import PrometheusEntry
from opsverify.probes import (
    prometheus,
    prometheus_deadalerts,
    prometheus_lint,
    prometheus_promtool,
    prometheus_queries,
)
from opsverify.probes.prometheus import PrometheusFacts
from opsverify.probes.prometheus_deadalerts import DeadAlertFacts
from opsverify.probes.prometheus_lint import LintFacts
from opsverify.probes.prometheus_promtool import ValidationFacts
from opsverify.probes.prometheus_queries import QueryFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness, pytest.mark.alerts]


@pytest.mark.smoke
@pytest.mark.opsverify("prometheus", severity="critical")
def test_prometheus_healthy(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.healthy(target, facts))


@pytest.mark.smoke
@pytest.mark.opsverify("prometheus", severity="critical")
def test_prometheus_ready(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.ready(target, facts))


@pytest.mark.smoke
@pytest.mark.opsverify("prometheus", severity="critical")
def test_prometheus_targets_up(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.targets_up(target, facts))


@pytest.mark.opsverify("prometheus", severity="critical")
def test_prometheus_rules_evaluate(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.rules_healthy(target, facts))


@pytest.mark.opsverify("prometheus", severity="warning", where=lambda t: t.fail_on_firing is not None)
def test_prometheus_no_firing_alerts(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.no_firing(target, facts))


@pytest.mark.opsverify("prometheus", severity="warning", where=lambda t: t.min_retention is not None)
def test_prometheus_retention(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.retention(target, facts))


@pytest.mark.opsverify("prometheus", severity="warning", where=lambda t: t.max_head_series is not None)
def test_prometheus_head_series(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.head_series(target, facts))


@pytest.mark.opsverify("prometheus", severity="critical", where=lambda t: t.min_alertmanagers is not None)
def test_prometheus_sends_to_alertmanager(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.alertmanagers(target, facts))


@pytest.mark.opsverify("prometheus", severity="critical")
def test_prometheus_config_reloaded(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus.config_reloaded(target, facts))


@pytest.mark.opsverify("prometheus", probe="files", severity="critical", where=lambda t: t.config_file or t.rule_files)
def test_prometheus_files_valid(target: PrometheusEntry, facts: ValidationFacts) -> None:
    expect(prometheus_promtool.files_valid(target, facts))


@pytest.mark.opsverify("prometheus", probe="dead_alerts", severity="warning", where=lambda t: t.dead_alerts)
def test_prometheus_no_dead_alerts(target: PrometheusEntry, facts: DeadAlertFacts) -> None:
    expect(prometheus_deadalerts.no_dead_alerts(target, facts))


@pytest.mark.opsverify("prometheus", probe="queries", severity="critical", where=lambda t: bool(t.queries))
def test_prometheus_queries(target: PrometheusEntry, facts: QueryFacts) -> None:
    expect(prometheus_queries.queries_hold(target, facts))


@pytest.mark.opsverify("prometheus", severity="critical", where=lambda t: bool(t.alerts))
def test_prometheus_alert_rules_loaded(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus_queries.alert_rules_loaded(target, facts))


@pytest.mark.opsverify("prometheus", severity="warning", where=lambda t: t.scrape_interval is not None)
def test_prometheus_scrape_interval(target: PrometheusEntry, facts: PrometheusFacts) -> None:
    expect(prometheus_queries.scrape_interval(target, facts))


@pytest.mark.opsverify("prometheus", probe="lint", severity="warning", where=lambda t: t.lint)
def test_prometheus_rules_lint(target: PrometheusEntry, facts: LintFacts) -> None:
    expect(prometheus_lint.rules_lint_clean(target, facts))
