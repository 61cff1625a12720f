"""Under pytest-xdist (-n 2) a run gives the same exit code, summary, waivers, HTML summary and JUnit as in one
process, and each probe runs once per run, not once per worker."""

from __future__ import annotations

import collections
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("xdist")

HITS: collections.Counter[str] = collections.Counter()
STATUS = {"/api": 200, "/web": 500, "/db": 503}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        HITS[self.path] += 1
        body = b"{}"
        self.send_response(STATUS.get(self.path, 404))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def project(pytester: pytest.Pytester) -> Iterator[pytest.Pytester]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    pytester.makefile(
        ".yml",
        inventory=f"""version: 1
http:
  - {{name: api, url: '{base}/api'}}
  - {{name: web, url: '{base}/web', severity: warning}}
  - {{name: db, url: '{base}/db'}}
waivers:
  - {{check: 'test_http_status[db]', reason: INC-7 db migration, expires: 2999-01-01, owner: ops}}
""",
    )
    HITS.clear()
    yield pytester
    httpd.shutdown()


def _run(project: pytest.Pytester, name: str, *extra: str) -> tuple[int, list[str], str, ET.Element]:
    result = project.runpytest_subprocess(
        "--inventory",
        "inventory.yml",
        "--opsverify-fail-on",
        "critical",
        "-p",
        "no:cacheprovider",
        f"--junitxml={name}/junit.xml",  # a report dir per run: each has its own history, so both are "first runs"
        f"--html={name}/report.html",
        *extra,
    )
    summary = [line.replace(f"/{name}/", "/RUN/") for line in result.outlines if line.startswith("opsverify:")]
    if "-n" in extra:
        result.stdout.fnmatch_lines(["*2 workers*"])  # really split over two worker processes
    html = (project.path / name / "report.html").read_text()
    match = re.search(r"<h2>opsverify summary</h2><p><b>(.*?)</b>", html)
    assert match is not None
    return result.ret, summary, match.group(1), ET.parse(project.path / name / "junit.xml").getroot()


def _cases(root: ET.Element) -> dict[str, str]:
    out = {}
    for case in root.iter("testcase"):
        outcome = (
            "failed"
            if case.find("failure") is not None
            else "skipped"
            if case.find("skipped") is not None
            else "passed"
        )
        out[case.get("name", "")] = outcome
    return out


def test_two_workers_give_the_same_run_and_probe_once(project: pytest.Pytester) -> None:
    alone = _run(project, "alone")
    assert dict(HITS) == {"/api": 1, "/web": 1, "/db": 1}
    HITS.clear()
    split = _run(project, "split", "-n", "2")
    assert dict(HITS) == {"/api": 1, "/web": 1, "/db": 1}  # once per run, not once per worker
    assert alone[0] == split[0] == 0  # the only unwaived failure is a warning, below --opsverify-fail-on critical
    assert alone[1] == split[1]
    assert any(line.startswith("opsverify: WAIVED test_http_status[db]: ") for line in split[1])
    assert split[1][0].startswith("opsverify: PASS: 1 passed, 1 failed (by severity: warning 1)")
    assert alone[2] == split[2]
    assert _cases(alone[3]) == _cases(split[3])
    assert _cases(split[3])["test_http_status[web]"] == "skipped"  # below --fail-on: not red in CI (see README)
