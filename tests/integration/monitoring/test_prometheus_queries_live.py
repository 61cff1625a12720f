"""Live PromQL assertions, alert rules by name, the scrape interval and `eventually`, against a throwaway Debian
Prometheus started by the test on a free 127.0.0.1 port (scraping itself every second)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsverify.inventory import Inventory
from opsverify.inventory.common import Eventually
from opsverify.inventory.prometheus import PrometheusEntry, PromQuery
from opsverify.kinds import Context
from opsverify.probes import prometheus, prometheus_queries
from opsverify.schema import Duration

pytestmark = pytest.mark.skipif(shutil.which("prometheus") is None, reason="needs Debian's prometheus")

CONFIG = """\
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: [{rules}]
scrape_configs:
  - job_name: self
    static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
"""
RULES = """\
groups:
  - name: t
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def prom(tmp_path_factory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("prom")
    port = _free_port()
    (folder / "rules.yml").write_text(RULES)
    (folder / "prometheus.yml").write_text(CONFIG.format(rules=folder / "rules.yml", port=port))
    proc = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={folder / 'prometheus.yml'}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--storage.tsdb.path={folder / 'data'}",
            "--storage.tsdb.retention.time=2d",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_fresh_prometheus_is_waited_for_then_queried(prom):
    wait = Eventually(within=Duration(30), interval=Duration(1))
    entry = PrometheusEntry(
        name="prom",
        url=prom,
        eventually=wait,
        queries=[
            PromQuery(expr='up{job="self"}', expect="== 1", for_each_series=True),
            PromQuery(expr="count(up)", expect=">= 1"),
        ],
        alerts=["AlwaysFiring"],
        scrape_interval=Duration(1),
    )
    ctx = Context(Inventory())
    started = time.monotonic()
    facts = prometheus.KIND.gather(entry, ctx)
    assert time.monotonic() - started < 30 + 5
    targets = prometheus.targets_up(entry, facts)
    assert targets.ok, targets.message
    assert "(eventually: passed on attempt " in targets.message
    assert prometheus_queries.alert_rules_loaded(entry, facts).ok
    assert prometheus_queries.scrape_interval(entry, facts).message == "prom: global scrape_interval is 1s"
    held = prometheus_queries.queries_hold(entry, prometheus.KIND.probe("queries")(entry, ctx))
    assert held.ok, held.message
    assert held.message.startswith("prom: 2 queries hold (eventually: passed on attempt ")


def test_failing_assertions_name_the_series_and_the_value(prom):
    entry = PrometheusEntry(
        name="prom",
        url=prom,
        queries=[PromQuery(expr='up{job="self"}', expect="== 0", for_each_series=True)],
        alerts=["NotThere"],
        scrape_interval=Duration(15),
    )
    ctx = Context(Inventory())
    deadline = time.monotonic() + 30
    while True:  # the first test may not have run (-k): wait for a first scrape
        held = prometheus_queries.queries_hold(entry, prometheus.KIND.probe("queries")(entry, ctx))
        if "returned no series" not in held.message or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert held.message.startswith('prom: `up{job="self"}`: 1 of 1 series not == 0: up{instance="127.0.0.1:'), (
        held.message
    )
    facts = prometheus.KIND.gather(entry, ctx)
    assert prometheus_queries.alert_rules_loaded(entry, facts).message == (
        "prom: alerting rule(s) NotThere not loaded (1 loaded), expected NotThere"
    )
    assert prometheus_queries.scrape_interval(entry, facts).message == (
        "prom: global scrape_interval is 1s, expected 15s"
    )
