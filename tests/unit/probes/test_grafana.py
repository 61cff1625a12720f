"""Grafana judges against the stand-in's routes, wired in as an httpx.MockTransport (no sockets)."""

from __future__ import annotations

import json
import urllib.parse

import httpx
import pytest

from opsverify.inventory.grafana import GrafanaEntry
from opsverify.lab.grafana_standin import Api
from opsverify.paths import lab_dir
from opsverify.probes import grafana


def transport(config_name: str) -> httpx.MockTransport:
    api = Api(json.loads((lab_dir() / "monitoring" / config_name).read_text()))

    def handler(request: httpx.Request) -> httpx.Response:
        query = urllib.parse.parse_qs(request.url.query.decode())
        status, doc = api.handle(request.url.path, query, request.headers.get("authorization"))
        return httpx.Response(status, json=doc)

    return httpx.MockTransport(handler)


def run(judge, config_name="grafana-standin.json", password="lab-grafana-s3cret", **fields):
    entry = GrafanaEntry(name="graf", url="http://127.0.0.1:1", user="admin", password=password, **fields)
    return judge(entry, grafana.gather(entry, 2.0, transport=transport(config_name)))


def test_healthy():
    assert run(grafana.healthy).message == "graf: healthy (Grafana 10.4.2, database ok)"


def test_datasources_present_and_healthy():
    assert run(grafana.datasources, datasources=["Prometheus", "lab-alertmanager"]).ok
    v = run(grafana.datasources, datasources=["Prometheus", "Tempo"])
    assert v.message == "graf: datasource Tempo is missing, expected present and healthy"


def test_broken_datasource_named_with_its_message():
    v = run(grafana.datasources, "grafana-standin-faulty.json", "admin", datasources=["Loki"])
    assert v.message.startswith("graf: datasource Loki (lab-loki) health: HTTP 400: Unable to connect with Loki.")


def test_dashboards_by_uid_or_title():
    assert run(grafana.dashboards, dashboards=["lab-api-overview", "Prometheus stats"]).ok
    v = run(grafana.dashboards, dashboards=["Prometheus"])  # a partial title is not a match
    assert (
        v.message
        == "graf: dashboard Prometheus is missing (no uid or exact title), expected every listed dashboard present"
    )


@pytest.mark.parametrize(
    ("config_name", "password", "ok"),
    [("grafana-standin.json", "lab-grafana-s3cret", True), ("grafana-standin-faulty.json", "admin", False)],
)
def test_default_admin_password(config_name, password, ok):
    v = run(grafana.default_admin_refused, config_name, password)
    assert v.ok is ok
    if not ok:
        assert v.message == (
            "graf: login as admin/admin succeeded (HTTP 200), expected the default admin password to be changed"
        )


def test_wrong_credentials_are_reported():
    v = run(grafana.datasources, password="wrong-password")
    assert v.message == 'graf: GET /api/datasources: HTTP 401: "Invalid username or password"'
