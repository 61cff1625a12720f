"""A user's own checks beside the inventory, with the public API (opsverify.check, target, facts, Verdict,
expect), and plain testinfra tests running on the inventory's hosts, under plain `pytest --inventory`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

MINE = """
import opsverify
from opsverify import Verdict, expect


@opsverify.check("http", severity="warning")
def test_body_names_the_version(target, facts):
    ok = b"version" in facts.body
    expect(Verdict(ok, target.name, f"{target.name}: body has no version, got {facts.body[:20]!r}"))


def test_runs_on_inventory_hosts(host):
    assert host.run("true").rc == 0
"""


class _Handler(BaseHTTPRequestHandler):
    body = b'{"status": "healthy", "version": "1.2"}'

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def project(pytester: pytest.Pytester, server: str) -> pytest.Pytester:
    pytester.makefile(
        ".yml",
        inventory=f"version: 1\nhosts:\n  - {{name: here, spec: 'local://'}}\nhttp:\n  - {{name: api, url: '{server}/health'}}\n",
    )
    pytester.makepyfile(test_mine=MINE)
    return pytester


def test_own_checks_and_testinfra_tests_run_beside_the_builtin_suite(project: pytest.Pytester) -> None:
    result = project.runpytest("--inventory", "inventory.yml", "-p", "no:cacheprovider", "-v")
    result.stdout.fnmatch_lines(
        [
            "test_mine.py::test_body_names_the_version?api? PASSED*",
            "test_mine.py::test_runs_on_inventory_hosts?local*? PASSED*",
            "test_hosts.py::test_host_reachable?here? PASSED*",
            "test_http.py::test_http_status?api? PASSED*",
        ]
    )
    assert result.ret == 0


def test_the_readme_example_runs(pytester: pytest.Pytester, server: str) -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("### Writing your own checks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_mine=code)
    pytester.makefile(
        ".yml",
        inventory=f"version: 1\nhosts:\n  - {{name: here, spec: 'local://'}}\nhttp:\n  - {{name: api-health, url: '{server}/h'}}\n",
    )
    result = pytester.runpytest("--inventory", "inventory.yml", "test_mine.py", "-p", "no:cacheprovider", "-v")
    result.stdout.fnmatch_lines(
        [
            "test_mine.py::test_api_reports_its_version?api-health? PASSED*",
            "test_mine.py::test_etc_is_a_directory?local*? PASSED*",
        ]
    )
    assert result.ret == 0


def test_own_check_failure_is_one_line_with_its_severity(project: pytest.Pytester) -> None:
    _Handler.body = b'{"status": "healthy"}'
    try:
        result = project.runpytest(
            "--inventory", "inventory.yml", "-p", "no:cacheprovider", "--opsverify-fail-on", "critical"
        )
    finally:
        _Handler.body = b'{"status": "healthy", "version": "1.2"}'
    result.stdout.fnmatch_lines(['api: body has no version, got b\'{"status": "healthy"\''])
    assert result.ret == 0  # a warning below --opsverify-fail-on critical
    result.stdout.fnmatch_lines(["opsverify: PASS: * 1 failed (by severity: warning 1)*"])
