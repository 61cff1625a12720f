"""HTTP checks against real local servers: garbage and hangs fail their own check with a short reason."""

from __future__ import annotations

import socket

import pytest

from opsverify.inventory import HttpEntry, HttpExpect
from opsverify.probes import http, http_judges

from .servers import black_hole, http_server


@pytest.fixture(scope="module")
def base():
    with http_server() as url:
        yield url


def check(url: str, judge=http_judges.json_fields, timeout: float = 2.0, **expect):
    entry = HttpEntry(name="svc", url=url, expect=HttpExpect(**expect))
    facts = http.gather(entry, timeout, max_body=1_048_576)
    return judge(entry, facts)


def test_healthy_json_passes(base):
    verdict = check(f"{base}/ok", json={"status": "healthy"}, json_match={"version": r"^2\."})
    assert verdict.ok, verdict.message


def test_html_body_fails_as_not_json(base):
    verdict = check(f"{base}/html", json={"status": "healthy"})
    assert not verdict.ok
    assert verdict.message.startswith("svc: body is not JSON (text/html, 52 bytes): '<html><body><h1>Welcome to nginx!")


def test_plain_text_fails_as_not_json(base):
    assert (
        check(f"{base}/notjson", json={"status": "healthy"}).message
        == "svc: body is not JSON (text/plain, 2 bytes): 'OK'"
    )


def test_ten_megabyte_body_is_not_parsed(base):
    verdict = check(f"{base}/huge", json={"status": "healthy"})
    assert verdict.message == "svc: body is larger than the 1024 KiB limit, expected a small JSON document"


def test_binary_body_is_reported_readably(base):
    verdict = check(f"{base}/binary", json={"status": "healthy"})
    assert verdict.message.startswith("svc: body is not JSON (application/octet-stream, 1024 bytes):")
    assert len(verdict.message) < 200


def test_wrong_status_shows_the_body(base):
    verdict = check(f"{base}/error", judge=http_judges.status)
    assert verdict.message == 'svc: status is 503, expected 200; body: \'{"status": "unavailable"}\''


def test_hanging_server_times_out_with_reason():
    with black_hole() as url:
        verdict = check(f"{url}/health", judge=http_judges.status, timeout=0.5)
    assert verdict.message == f"svc: GET {url}/health: no answer within 0.5s (timeout)"


def test_refused_connection_is_named():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        verdict = check(f"http://127.0.0.1:{port}/", judge=http_judges.status)
    assert verdict.message == f"svc: GET http://127.0.0.1:{port}/: cannot connect: connection refused"


def test_missing_field_and_wrong_value(base):
    verdict = check(f"{base}/ok", json={"status": "ok", "db": "up"})
    assert verdict.message == 'svc: status is "healthy", expected "ok"; db is missing, expected "up"'


def test_response_time_budget(base):
    entry = HttpEntry(name="svc", url=f"{base}/slow", expect=HttpExpect(max_time=0.1))
    verdict = http_judges.response_time(entry, http.gather(entry, 2.0, 1024))
    assert (
        not verdict.ok
        and verdict.message.startswith("svc: responded in 0.")
        and "expected within 0.1s" in verdict.message
    ), verdict.message
