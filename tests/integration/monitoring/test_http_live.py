"""HTTP in depth against live servers: the lab api's /metrics, and `eventually` against a server that warms up."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from opsverify.inventory import load_inventory
from opsverify.inventory.http import Eventually, HttpEntry, HttpExpect
from opsverify.kinds import Context
from opsverify.paths import default_inventory
from opsverify.probes import http, http_judges
from opsverify.registry import kind
from opsverify.schema import Duration


@pytest.fixture(scope="module")
def ctx(lab_stack) -> Context:
    return Context(load_inventory(default_inventory("lab")))


def lab_http(ctx: Context, name: str):
    entry = next(e for e in ctx.inventory.http if e.name == name)
    return entry, kind("http").gather(entry, ctx)


def test_lab_api_metrics_exposed(ctx):
    entry, facts = lab_http(ctx, "api-metrics")
    assert http_judges.metrics_exposed(entry, facts).message.startswith("api-metrics: all 3 metric selector(s) exposed")
    assert http_judges.headers(entry, facts).ok


def test_lab_api_metrics_missing(ctx):
    entry, facts = lab_http(ctx, "api-metrics-missing")
    message = http_judges.metrics_exposed(entry, facts).message
    assert message.startswith(
        "api-metrics-missing: lab_queue_depth: metric lab_queue_depth is not exposed; "
        'http_requests_total{code="503"}: http_requests_total is exposed but no sample has those labels (seen: '
    )


class WarmingUp(BaseHTTPRequestHandler):
    """503 for the first three requests, then 200."""

    count = 0

    def do_GET(self) -> None:
        type(self).count += 1
        ready = type(self).count > 3
        body = b"ready" if ready else b"starting"
        self.send_response(200 if ready else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_eventually_against_a_warming_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), WarmingUp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/ready"
        entry = HttpEntry(
            name="warming",
            url=url,
            eventually=Eventually(within=Duration(10), interval=Duration(0.2)),
            expect=HttpExpect(body_regex=["^ready$"]),
        )
        facts = http.gather(entry, 2.0, 1000)
    finally:
        server.shutdown()
        server.server_close()
    verdict = http_judges.body_regex(entry, facts)
    assert verdict.ok and verdict.attempts == 4
    assert verdict.message.startswith("warming: body matches 1 pattern(s) (eventually: passed on attempt 4, ")
