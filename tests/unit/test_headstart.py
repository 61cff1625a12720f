"""The head start: a full `opsverify run` starts its probes before pytest collects, probes each target once, and
a narrowed run probes only what it selected."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from opsverify import headstart
from opsverify.inventory import load_inventory

OPSVERIFY = Path(sys.executable).parent / "opsverify"


@pytest.mark.parametrize(
    ("suite", "shard", "args", "expected"),
    [
        ("all", None, [], True),
        ("smoke", None, ["-q", "--tb=short", "-rfE", "-x"], True),
        ("readiness", None, ["-v", "--maxfail=3"], True),
        ("alerts", None, [], False),  # a suite without http checks
        ("all", "1/2", [], False),
        ("all", None, ["-k", "api"], False),
        ("all", None, ["-m", "smoke"], False),
        ("all", None, ["--lf"], False),
        ("all", None, ["-n", "2"], False),
        ("all", None, ["test_http.py::test_http_status[api]"], False),
        ("all", None, ["--deselect", "x"], False),
    ],
)
def test_only_runs_that_select_everything_get_a_head_start(suite, shard, args, expected) -> None:
    assert headstart.applies(suite, shard, args) is expected


def test_jobs_are_the_main_probe_of_every_active_endpoint(tmp_path: Path) -> None:
    inv = tmp_path / "inv.yml"
    inv.write_text(
        "version: 1\nenvironments: {prod: {}, staging: {}}\ndefault_environment: prod\nhttp:\n"
        "  - {name: a, url: 'http://127.0.0.1:9/a'}\n"
        "  - {name: b, url: 'http://127.0.0.1:9/b', environments: [staging]}\n"
        "  - {name: c, url: 'http://127.0.0.1:9/c', expect: {redirect: 'http://127.0.0.1:9/'}}\n"
        "checklist:\n  - {name: restore-drill, description: restore drill done}\n"
    )
    jobs = headstart.jobs(load_inventory(inv))
    assert [key for key, _, _ in jobs] == [("http", "", "a"), ("http", "", "c")]


class _Counting(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: ClassVar[dict[str, int]] = {}
    first: ClassVar[list[float]] = []

    def do_GET(self) -> None:
        if not self.first:
            self.first.append(time.time())
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        body = b'{"status": "healthy"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    _Counting.hits, _Counting.first = {}, []
    ThreadingHTTPServer.request_queue_size = 512
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()


def _folder(tmp_path: Path, port: int, n: int) -> Path:
    lines = ["version: 1", "http:"] + [f"  - {{name: svc-{i}, url: 'http://127.0.0.1:{port}/{i}'}}" for i in range(n)]
    (tmp_path / "inv.yml").write_text("\n".join(lines) + "\n")
    # collected during pytest's collection: when it is imported, pytest has started and is collecting
    (tmp_path / "test_mine.py").write_text(
        "import pathlib, time\npathlib.Path(__file__).with_name('collected').write_text(repr(time.time()))\n"
        "def test_mine():\n    pass\n"
    )
    return tmp_path


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(OPSVERIFY), "run", "-i", "inv.yml", "--report-dir", "out", "-q", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def test_a_full_run_probes_before_collection_and_each_endpoint_once(tmp_path: Path, server: int) -> None:
    folder = _folder(tmp_path, server, 250)
    done = _run(folder)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "251 passed" in done.stdout
    assert _Counting.hits == {f"/{i}": 1 for i in range(250)}  # the head start's probes were used, not repeated
    assert _Counting.first[0] < float((folder / "collected").read_text())  # probing began before collection


def test_a_narrowed_run_probes_only_what_it_selected_once_collected(tmp_path: Path, server: int) -> None:
    folder = _folder(tmp_path, server, 250)
    done = _run(folder, "-k", "svc-1 or mine")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    selected = {"/1", *(f"/{i}" for i in range(10, 20)), *(f"/{i}" for i in range(100, 200))}
    assert _Counting.hits == dict.fromkeys(selected, 1)
    assert _Counting.first[0] > float((folder / "collected").read_text())


def test_every_head_start_kind_checks_each_entry_with_its_main_probe(tmp_path: Path) -> None:
    """The promise behind ``head_start=True``: in a full run, some check of every entry uses the kind's main probe
    (else a head start would probe a target no check looks at). Checked on endpoints of every shape."""
    from opsverify import registry
    from opsverify.paths import checks_dir

    inv = tmp_path / "inv.yml"
    inv.write_text(
        "version: 1\nhttp:\n"
        "  - {name: plain, url: 'http://127.0.0.1:9/'}\n"
        "  - {name: moved, url: 'http://127.0.0.1:9/old', expect: {redirect: 'http://127.0.0.1:9/new'}}\n"
        "  - {name: json, url: 'http://127.0.0.1:9/j', expect: {status: 201, json: {status: ok}}}\n"
        "  - {name: slow, url: 'http://127.0.0.1:9/s', expect: {max_time: 0.5, body_regex: [ok]}}\n"
    )
    kinds = [n for n in registry.names() if registry.kind(n).head_start]
    assert kinds == ["http"]
    for kind in kinds:
        module = checks_dir() / f"test_{kind}.py"
        assert "probe=" not in module.read_text()  # every check of the kind waits on its main probe
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(module),
                "--inventory",
                str(inv),
                "--collect-only",
                "-q",
                "-p",
                "no:cacheprovider",
                "--opsverify-no-suite",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        ids = done.stdout
        for name in ("plain", "moved", "json", "slow"):
            assert f"[{name}]" in ids, (name, ids, done.stderr[-1500:])
