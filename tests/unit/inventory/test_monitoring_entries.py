"""Monitoring entries in an inventory: defaults, validation errors as file:line."""

from __future__ import annotations

import pytest

from opsverify.errors import InventoryError
from opsverify.inventory import load_inventory

GOOD = """\
version: 1
prometheus:
  - name: prom
    url: http://127.0.0.1:9090/
    min_retention: 15d
    groups: [api]
alertmanager:
  - name: am
    url: http://127.0.0.1:9093
    send_test_alert: true
    test_alert: {listen: "127.0.0.1:19095", deadline: 10s}
grafana:
  - name: graf
    url: http://127.0.0.1:3000
    password: not-the-default
http:
  - name: metrics
    url: http://127.0.0.1:8080/metrics
    eventually: {within: 30s}
    expect:
      metrics: ['up{job="x"}']
      headers: {Content-Type: ^text/plain}
"""


def load(tmp_path, text):
    path = tmp_path / "inventory.yml"
    path.write_text(text)
    return load_inventory(path, environ={})


def test_monitoring_entries_load_with_defaults(tmp_path):
    inv = load(tmp_path, GOOD)
    prom, am, graf, http = inv.prometheus[0], inv.alertmanager[0], inv.grafana[0], inv.http[0]
    assert prom.url == "http://127.0.0.1:9090" and prom.min_retention == 15 * 86400 and prom.dead_alerts
    assert prom.fail_on_firing == "critical" and prom.dead_alert_window == 3600
    assert am.test_alert.deadline == 10 and am.max_silence == 7 * 86400 and am.severities is None
    assert graf.default_admin_refused and "not-the-default" not in repr(graf)
    assert http.eventually is not None and http.eventually.interval == 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    min_retention: 15d",
            "    min_retenton: 15d",
            "5: prometheus[0]: unknown key 'min_retenton' (did you mean 'min_retention'?)",
        ),
        ('listen: "127.0.0.1:19095"', 'listen: "10.0.0.5:19095"', "loopback only"),
        ("    groups: [api]", "    fail_on_firing: page", "fail_on_firing 'page' is not in severities"),
        ("['up{job=\"x\"}']", "['rate(up[5m])']", "bad metric selector 'rate(up[5m])'"),
        ("{Content-Type: ^text/plain}", "{Content-Type: '(text'}", "bad regular expression '(text'"),
        (
            "eventually: {within: 30s}",
            "eventually: {within: 1s, interval: 5s}",
            "need interval > 0 and within >= interval",
        ),
    ],
)
def test_invalid_entries_are_file_line_errors(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(InventoryError) as err:
        load(tmp_path, GOOD.replace(old, new))
    assert message in str(err.value)
    assert str(err.value).startswith(str(tmp_path / "inventory.yml") + ":")
