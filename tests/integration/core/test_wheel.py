"""The installed tool: the wheel, installed into a fresh venv outside the checkout (offline, from the wheelhouse
scripts/setup builds), runs `opsverify run` from a user's folder with pytest's own arguments, the user's own
checks beside the inventory, and the embedded lab inventory."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
WHEELHOUSE = REPO / ".wheelhouse"

MINE = """
import opsverify
from opsverify import Verdict, expect


@opsverify.check("http", severity="warning")
def test_mine_has_version(target, facts):
    expect(Verdict(b"version" in facts.body, target.name, f"{target.name}: no version in the body"))
"""


class _Handler(BaseHTTPRequestHandler):
    broken = False

    def do_GET(self) -> None:
        status = 500 if self.broken and self.path == "/health" else 200
        body = b'{"status": "healthy", "version": "1"}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = sorted(WHEELHOUSE.glob("opsverify-*.whl"))
    if not wheels:
        pytest.skip(f"no opsverify wheel in {WHEELHOUSE}: run scripts/setup")
    env = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=120)
    pip = [str(env / "bin" / "pip"), "install", "-q", "--no-index", "--find-links", str(WHEELHOUSE)]
    subprocess.run([*pip, str(wheels[-1]), "pytest-xdist"], check=True, timeout=600)
    return env


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.broken = False
    httpd.shutdown()


@pytest.fixture
def folder(tmp_path: Path, server: str) -> Path:
    (tmp_path / "inv.yml").write_text(
        "version: 1\nhosts:\n  - {name: here, spec: 'local://'}\nhttp:\n"
        f"  - {{name: api, url: '{server}/health'}}\n  - {{name: web, url: '{server}/'}}\n"
    )
    (tmp_path / "test_mine.py").write_text(MINE)
    return tmp_path


def opsverify(venv: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "opsverify"), "run", "-i", "inv.yml", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(folder)},
    )


def test_the_installed_tool_runs_from_a_users_folder(venv: Path, folder: Path) -> None:
    done = opsverify(venv, folder, "--report-dir", "out", "-k", "api", "-v")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "test_http_status[api] PASSED" in done.stdout
    assert "test_mine_has_version[api] PASSED" in done.stdout
    assert "[web]" not in done.stdout  # -k reached pytest
    assert (folder / "out" / "report.html").is_file() and (folder / "out" / "junit.xml").is_file()
    assert f"opsverify: reports: {folder / 'out' / 'report.html'}" in done.stdout
    assert str(REPO) not in done.stdout  # nothing came from the checkout

    smoke = opsverify(venv, folder, "-m", "smoke", "-v")
    assert smoke.returncode == 0
    assert "test_http_status[web] PASSED" in smoke.stdout
    assert "test_host_reachable" not in smoke.stdout  # not a smoke check
    assert (folder / "reports" / "report.html").is_file()


def test_last_failed_and_xdist(venv: Path, folder: Path) -> None:
    _Handler.broken = True
    failing = opsverify(venv, folder, "-q")
    assert failing.returncode == 1
    assert "api: status is 500, expected 200" in failing.stdout
    _Handler.broken = False
    again = opsverify(venv, folder, "--lf", "-v")
    assert again.returncode == 0
    assert "test_http_status[api] PASSED" in again.stdout
    assert "test_http_status[web]" not in again.stdout  # only what failed last time

    _Handler.broken = True
    alone = opsverify(venv, folder, "-q", "--report-dir", "alone")  # a report dir (and history) of its own each
    split = opsverify(venv, folder, "-q", "-n", "2", "--report-dir", "split")
    assert "bringing up nodes" in split.stdout  # pytest-xdist really ran
    assert alone.returncode == split.returncode == 1

    def summary(done: subprocess.CompletedProcess[str]) -> list[str]:
        lines = [line for line in done.stdout.splitlines() if line.startswith("opsverify: ")]
        return [line.replace("/alone/", "/DIR/").replace("/split/", "/DIR/") for line in lines]

    assert summary(alone) == summary(split)
    assert summary(split)[0].startswith("opsverify: FAIL:")


def test_the_installed_tool_checks_the_lab(venv: Path, tmp_path: Path, lab_stack: None) -> None:
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import opsverify.paths as p; print(p.default_inventory('lab'))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert site.startswith(str(venv))
    done = subprocess.run(
        [str(venv / "bin" / "opsverify"), "run", "-i", site, "--fail-on", "warning"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "opsverify: PASS:" in done.stdout
