"""The monitoring checks against the lab's real Prometheus and Alertmanager (Debian's) and the Grafana stand-in:
the healthy entries pass, each fault variant fails with its own one-line reason, the test alert makes the trip."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from opsverify.inventory import load_inventory
from opsverify.inventory.alertmanager import AlertRoundTrip
from opsverify.kinds import Context
from opsverify.paths import default_inventory, lab_dir
from opsverify.probes import (
    alertmanager,
    alertmanager_routing,
    alertmanager_testalert,
    grafana,
    prometheus,
    prometheus_deadalerts,
    prometheus_promtool,
)
from opsverify.registry import kind as kind_named
from opsverify.schema import Duration

LAB_INVENTORY = default_inventory("lab")
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def ctx(lab_stack) -> Context:
    return Context(load_inventory(LAB_INVENTORY))


def gather(ctx: Context, kind: str, name: str, probe: str | None = None):
    found = kind_named(kind)
    entry = next(e for e in found.entries(ctx) if e.name == name)
    return entry, found.probe(probe)(entry, ctx)


PROMETHEUS_JUDGES = [
    prometheus.healthy,
    prometheus.ready,
    prometheus.targets_up,
    prometheus.rules_healthy,
    prometheus.no_firing,
    prometheus.retention,
    prometheus.head_series,
    prometheus.config_reloaded,
    prometheus.alertmanagers,
]


@pytest.mark.parametrize("judge", PROMETHEUS_JUDGES, ids=lambda j: j.__name__)
def test_healthy_prometheus_passes(ctx, judge):
    entry, facts = gather(ctx, "prometheus", "lab-prometheus")
    verdict = judge(entry, facts)
    assert verdict.ok, verdict.message


def test_healthy_prometheus_files_and_alerts(ctx):
    entry, facts = gather(ctx, "prometheus", "lab-prometheus", "files")
    assert prometheus_promtool.files_valid(entry, facts).message == (
        "lab-prometheus: promtool: valid (config ../lab/monitoring/prometheus.yml, rules ../lab/monitoring/rules/lab.yml)"
    )
    entry, facts = gather(ctx, "prometheus", "lab-prometheus", "dead_alerts")
    verdict = prometheus_deadalerts.no_dead_alerts(entry, facts)
    assert verdict.ok, verdict.message
    assert {r.name for r in facts.rules} >= {"LabApiDown", "LabApiMissing", "LabJobsFailing", "Watchdog"}


def test_stopped_target_is_named_with_its_error(ctx):
    entry, facts = gather(ctx, "prometheus", "lab-prometheus-dead-target")
    verdict = prometheus.targets_up(entry, facts)
    assert not verdict.ok
    assert verdict.message.startswith(
        "lab-prometheus-dead-target: 1 of 1 targets not up, expected all up: lab-dead http://127.0.0.1:18099/metrics is down: "
    )
    assert "connection refused" in verdict.message


def test_rule_over_missing_metric_is_a_dead_alert(ctx):
    entry, facts = gather(ctx, "prometheus", "lab-prometheus-dead-alerts", "dead_alerts")
    verdict = prometheus_deadalerts.no_dead_alerts(entry, facts)
    assert verdict.details == [
        "alert LabQueueBacklog (group lab-dead-alerts): lab_queue_depth matches nothing: metric lab_queue_depth is absent",
        'alert LabApiUnavailable (group lab-dead-alerts): http_requests_total{code="503",job="lab-api"} matches nothing: '
        "metric http_requests_total exists but the label filter matches none of its series",
    ]


def test_firing_rule_errors_and_bad_rule_file(ctx):
    entry, facts = gather(ctx, "prometheus", "lab-prometheus-firing")
    assert "LabDiskAlmostFull (warning, since" in prometheus.no_firing(entry, facts).message
    entry, facts = gather(ctx, "prometheus", "lab-prometheus-rule-errors")
    assert (
        "LabApiRatioBroken (group lab-eval-errors): err: found duplicate series"
        in prometheus.rules_healthy(entry, facts).message
    )
    entry, facts = gather(ctx, "prometheus", "lab-prometheus-bad-rules", "files")
    assert "unclosed left parenthesis" in prometheus_promtool.files_valid(entry, facts).message


@pytest.mark.parametrize(
    "judge", [alertmanager.healthy, alertmanager.routing, alertmanager.silences], ids=lambda j: j.__name__
)
def test_healthy_alertmanager_passes(ctx, judge):
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager")
    verdict = judge(entry, facts)
    assert verdict.ok, verdict.message


def test_healthy_routing_covers_the_severities_in_use(ctx):
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager")
    assert alertmanager.routing(entry, facts).message == (
        "lab-alertmanager: every severity in use (rules in lab-prometheus) reaches a receiver: "
        "critical -> ops-pager (webhook); none -> ops-default (webhook); warning -> ops-chat (webhook)"
    )


def test_receiverless_severity(ctx):
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager-faulty")
    assert alertmanager.routing(entry, facts).message == (
        'lab-alertmanager-faulty: severity="warning" goes to receiver nobody with no integration, '
        "expected a receiver that notifies someone"
    )


def test_alertmanager_config_files(ctx):
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager", "files")
    assert (
        prometheus_promtool.files_valid(entry, facts).message
        == "lab-alertmanager: amtool: valid (config ../lab/monitoring/alertmanager.yml)"
    )
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager-faulty", "files")
    assert prometheus_promtool.files_valid(entry, facts).message == (
        "lab-alertmanager-faulty: amtool check failed: config ../lab/monitoring/broken/alertmanager-bad.yml: "
        'undefined receiver "on-call-typo" used in route'
    )


def test_catch_all_and_long_silences(ctx):
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager-faulty")
    details = alertmanager.silences(entry, facts).details
    assert len(details) == 2
    assert details[0].endswith("matches every alert") and '{alertname=~".+"}' in details[0]
    assert details[1].endswith("lasts 60.0d, expected <= 7d")


def test_test_alert_round_trip(ctx):
    entry, facts = gather(ctx, "alertmanager", "lab-alertmanager", "test_alert")
    verdict = alertmanager_testalert.round_trip(entry, facts)
    assert verdict.ok, verdict.message
    assert facts.received_after is not None and facts.received_after < 20
    assert facts.resolved


def test_test_alert_not_routed_to_us_fails(ctx):
    entry = next(e for e in ctx.inventory.alertmanager if e.name == "lab-alertmanager")
    lost = dataclasses.replace(
        entry, test_alert=AlertRoundTrip(listen="127.0.0.1:19097", alertname="OpsverifyLost", deadline=Duration(3))
    )
    verdict = alertmanager_testalert.round_trip(lost, alertmanager_testalert.gather(lost, 5.0))
    assert not verdict.ok
    assert "did not reach the webhook on 127.0.0.1:19097 within 3s" in verdict.message


@pytest.mark.parametrize(
    "judge",
    [grafana.healthy, grafana.datasources, grafana.dashboards, grafana.default_admin_refused],
    ids=lambda j: j.__name__,
)
def test_grafana_standin(ctx, judge):
    entry, facts = gather(ctx, "grafana", "lab-grafana")
    assert judge(entry, facts).ok
    entry, facts = gather(ctx, "grafana", "lab-grafana-faulty")
    assert judge(entry, facts).ok is (judge is grafana.healthy)


@pytest.mark.parametrize("config", ["alertmanager.yml", "alertmanager-faulty.yml"])
@pytest.mark.parametrize(
    "labels",
    [{"severity": "critical"}, {"severity": "warning"}, {"severity": "info"}, {"alertname": "OpsverifyTestAlert"}],
)
def test_routing_agrees_with_amtool(config, labels):
    amtool = shutil.which("amtool")
    assert amtool, "amtool (Debian prometheus-alertmanager) is needed as the reference"
    path = lab_dir() / "monitoring" / config
    args = [f"{k}={v}" for k, v in labels.items()]
    done = subprocess.run(
        [amtool, "config", "routes", "test", f"--config.file={path}", *args], capture_output=True, text=True, timeout=20
    )
    ours = alertmanager_routing.receivers_for(
        alertmanager_routing.parse_route(yaml.safe_load(path.read_text())["route"]), labels
    )
    assert done.stdout.strip().split(",") == ours


def test_checks_suite_passes_on_the_healthy_stack(lab_stack):
    """The monitoring checks as `opsverify run` runs them: only the `info` fault variants fail."""
    files = [
        "checks/test_prometheus.py",
        "checks/test_alertmanager.py",
        "checks/test_grafana.py",
        "checks/test_http.py",
    ]
    cmd = [sys.executable, "-m", "pytest", *files, f"--inventory={LAB_INVENTORY}", "-p", "no:cacheprovider", "-q"]
    strict = subprocess.run(
        [*cmd, "--opsverify-fail-on=warning"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert strict.returncode == 0, strict.stdout[-3000:]
    assert "failed (by severity: info " in strict.stdout
    every = subprocess.run([*cmd, "--opsverify-fail-on=info"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert every.returncode == 1


def test_stopped_servers_fail_fast_with_one_line():
    """Nothing listens on 127.0.0.1:19099: every check says so in one line, after one refused connection."""
    from opsverify.inventory.alertmanager import AlertmanagerEntry
    from opsverify.inventory.grafana import GrafanaEntry
    from opsverify.inventory.prometheus import PrometheusEntry

    url = "http://127.0.0.1:19099"
    prom = PrometheusEntry(name="p", url=url)
    am = AlertmanagerEntry(name="a", url=url)
    graf = GrafanaEntry(name="g", url=url)
    refused = f"{url}: cannot connect: connection refused"
    assert prometheus.targets_up(prom, prometheus.gather(prom, 2.0)).message == f"p: {refused}"
    assert alertmanager.silences(am, alertmanager.gather(am, 2.0)).message == f"a: {refused}"
    assert grafana.default_admin_refused(graf, grafana.gather(graf, 2.0)).message == f"g: {refused}"
