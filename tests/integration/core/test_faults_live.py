"""Faults from the issue-13 matrix against real local targets: no false alarm from a busy machine, no probe past its
own timeout. Each target is started by the test itself on 127.0.0.1 (no lab needed)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from opsverify.inventory import HttpEntry, HttpExpect
from opsverify.prefetch import Prefetcher
from opsverify.probes import http, http_judges
from opsverify.schema import Duration

from .servers import trickler

SLACK = 2.0  # seconds a probe may take past its own timeout (thread start, teardown)

SERVER = """
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


@pytest.fixture(scope="module")
def fast_url() -> Iterator[str]:
    """A fast endpoint in its own process, so a busy test process cannot slow the server down."""
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield f"http://127.0.0.1:{int(proc.stdout.readline())}/"
    finally:
        proc.kill()
        proc.wait(5)


def _busy(seconds: float) -> int:
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


def test_response_time_of_a_fast_endpoint_stays_under_budget_while_the_probe_pool_is_saturated(fast_url):
    entry = HttpEntry(name="fast", url=fast_url, expect=HttpExpect(max_time=Duration(0.25)))
    pool = Prefetcher(64)
    try:
        for i in range(63):  # every other worker spins in Python, holding the interpreter in turns
            pool.submit(("busy", i), lambda: _busy(4.0), budget=60)
        time.sleep(0.5)
        verdicts = [
            http_judges.response_time(entry, pool.get(("http", n), lambda: http.fetch(entry, 5.0, 1 << 20), budget=60))
            for n in range(8)
        ]
    finally:
        pool.close()
    assert all(v.ok for v in verdicts), [v.message for v in verdicts]


def test_a_server_trickling_its_headers_fails_within_the_timeout():
    entry = HttpEntry(name="slow", url="http://127.0.0.1:1/", expect=HttpExpect())
    with trickler(1.0) as url:
        entry.url = url + "/"
        started = time.monotonic()
        facts = http.gather(entry, 3.0, 1 << 20)
        took = time.monotonic() - started
    verdict = http_judges.status(entry, facts)
    assert not verdict.ok
    assert verdict.message == (
        f"slow: GET {url}/: no complete answer within 3s (still sending when the time for the whole exchange was up)"
    )
    assert took < 3.0 + SLACK
