"""Secrets planted in every place the issue-13 fault matrix found a leak end up in no artifact, in no encoding.

Places: a failing HTTP response body (``password=...``, ``{"session_token": ...}``, an echoed ``Authorization:
Basic`` header), a container's environment printed by an exec (a URL with credentials under a harmless name, an
empty secret-named variable before the next line), a host command's output, a log line with a PEM private key.
Artifacts: stdout, stderr, report.html, junit.xml. Encodings: raw, JSON-, HTML-, URL-escaped, base64.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from opsverify.masking import spellings

from . import throwaway

BODY_PASSWORD = "Pl4nted-body-pw-7731"
SESSION_TOKEN = "Pl4nted-session-9e1f"
BASIC_PASSWORD = "Pl4nted-basic-pw-2c4d"
URL_PASSWORD = "Pl4nted-url-pw-5a6b"
LOG_PASSWORD = "Pl4nted-log-pw-0d0e"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCPl4ntedPemBody"
PLANTED = [BODY_PASSWORD, SESSION_TOKEN, BASIC_PASSWORD, URL_PASSWORD, LOG_PASSWORD, PEM_BODY]


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (
            f"upstream said password={BODY_PASSWORD}&retry=1\n"
            f'{{"error": "expired", "session_token": "{SESSION_TOKEN}"}}\n'
            f"you sent Authorization: {self.headers.get('Authorization')}\n"
        ).encode()
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


INVENTORY = """\
version: 1
name: planted secrets
http:
  - name: planted-http
    url: {url}/health
    headers:
      Authorization: "Basic {basic}"
containers:
  - name: {container}
    exec:
      - command: env
        output_match: "^NEVER$"
hosts:
  - name: planted-host
    spec: local://
    commands:
      - command: "printf 'DB_URL=postgres://app:{url_pw}@db/app\\\\nSESSION_SECRET=\\\\nPATH=/bin\\\\n'; exit 1"
logs:
  - name: planted-log
    path: {log}
    since: 24h
"""


def test_planted_secrets_reach_no_artifact_in_any_encoding(tmp_path: Path, echo_server: str) -> None:
    log = tmp_path / "app.log"
    log.write_text(
        f"ERROR login failed password={LOG_PASSWORD}\n"
        f"ERROR bad key -----BEGIN PRIVATE KEY----- {PEM_BODY} -----END PRIVATE KEY-----\n"
    )
    basic = base64.b64encode(f"ops:{BASIC_PASSWORD}".encode()).decode()
    env = ("-e", f"DB_URL=postgres://app:{URL_PASSWORD}@db/app", "-e", "SESSION_SECRET=")
    with throwaway.container(options=env) as container:
        inventory = tmp_path / "inventory.yml"
        inventory.write_text(
            INVENTORY.format(url=echo_server, basic=basic, container=container, url_pw=URL_PASSWORD, log=log)
        )
        reports = tmp_path / "reports"
        done = subprocess.run(
            [sys.executable, "-m", "opsverify.cli", "run", "-i", str(inventory), "--report-dir", str(reports)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "OPSVERIFY_ENV": ""},
            check=False,
        )
    artifacts = {
        "stdout": done.stdout,
        "stderr": done.stderr,
        "report.html": (reports / "report.html").read_text(),
        "junit.xml": (reports / "junit.xml").read_text(),
    }
    failed = _failed_cases(artifacts["junit.xml"])
    for case in (
        "test_http_status[planted-http]",
        f"test_container_exec[{container}]",
        "test_host_commands[planted-host]",
        "test_no_error_storm[planted-log]",
    ):
        assert case in failed, f"{case} did not fail: {sorted(failed)}\n{done.stdout[-3000:]}"
    assert "SESSION_SECRET= PATH=/bin" in failed["test_host_commands[planted-host]"]  # the next line is not eaten
    leaks = [
        f"{secret} as {form!r} in {name}"
        for name, text in artifacts.items()
        for secret in PLANTED
        for form in spellings(secret)
        if form in text
    ]
    assert not leaks, "\n".join(leaks)


def _failed_cases(junit: str) -> dict[str, str]:
    failed = {}
    for case in ET.fromstring(junit).iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            failed[case.get("name", "")] = (failure.get("message") or "") + (failure.text or "")
    return failed
