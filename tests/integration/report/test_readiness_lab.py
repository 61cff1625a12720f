"""The readiness page over real lab runs: a healthy run, then lab-api stopped (a fault injected between runs), then
lab-api back. The page must say what is new, what is fixed, group the stopped container's dependents under it as one
root cause, keep the trend, and render in headless Chromium at laptop and phone widths without overflowing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium_devtools import CHROMIUM, Browser

from opsverify.paths import default_inventory

LAB = str(default_inventory("lab"))


VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "col", "area", "base", "source"}


class Page(HTMLParser):
    """Texts of elements by id, the check ids listed under each element with an id (every enclosing one), and the
    attributes of elements that have an id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self.checks: dict[str, list[str]] = {}
        self.attrs: dict[str, dict[str, str | None]] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of every open element
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        ident = str(found["id"]) if found.get("id") else None
        if ident:
            self.attrs[ident] = found
            self.sections.setdefault(ident, [])
        if found.get("data-check"):
            for _, name in self._open:
                if name:
                    self.checks.setdefault(name, []).append(str(found["data-check"]))
        if tag not in VOID:
            self._open.append((tag, ident))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        for _, name in self._open:
            if name:
                self.sections[name].append(data)

    def text(self, section: str) -> str:
        return " ".join(" ".join(self.sections.get(section, [])).split())


def _run(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "opsverify",
            "run",
            "smoke",
            "-i",
            LAB,
            "--report-dir",
            str(out),
            "--fail-on",
            "warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=60, check=True).stdout.strip()


def _wait_healthy(name: str, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if _docker("inspect", "-f", "{{.State.Health.Status}}", name) == "healthy":
            return
        time.sleep(1)
    raise AssertionError(f"{name} did not become healthy again within {within:g}s")


@pytest.fixture(scope="module")
def pages(lab_stack: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Page], list[int]]:
    out = tmp_path_factory.mktemp("readiness-lab")
    pages, codes = [], []
    first = _run(out)
    codes.append(first.returncode)
    pages.append(Page((out / "readiness.html").read_text()))
    _docker("stop", "-t", "2", "lab-api")  # the fault
    try:
        second = _run(out)
        codes.append(second.returncode)
        pages.append(Page((out / "readiness.html").read_text()))
        (out / "readiness-fault.html").write_text((out / "readiness.html").read_text())
    finally:
        _docker("start", "lab-api")
        _wait_healthy("lab-api")
    third = _run(out)
    codes.append(third.returncode)
    pages.append(Page((out / "readiness.html").read_text()))
    return out, pages, codes


def test_banner_new_fixed_and_trend_follow_the_fault(pages: tuple[Path, list[Page], list[int]]) -> None:
    _, (before, fault, after), codes = pages
    assert codes == [0, 1, 0]
    assert [p.attrs["banner"]["data-verdict"] for p in (before, fault, after)] == ["PASS", "FAIL", "PASS"]
    assert "test_container_running[lab-api]" in fault.checks["new"]
    assert "test_container_running[lab-api]" in after.checks["fixed"]
    assert "test_container_running[lab-api]" not in after.checks.get("new", [])
    assert [p.attrs["trend"]["data-runs"] for p in (before, fault, after)] == ["1", "2", "3"]


def test_the_stopped_container_is_one_root_cause_with_its_dependents(pages: tuple[Path, list[Page], list[int]]) -> None:
    out, (_, fault, _), _ = pages
    failures = fault.text("failures")
    assert "container lab-api is down" in failures
    assert "dependent checks" in failures
    results = json.loads((out / "results.json").read_text())  # the last run: everything passed again
    assert not [c for c in results["checks"] if c["outcome"] == "failed" and c["severity"] != "info"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_fault_page_renders_at_laptop_and_phone_width(
    pages: tuple[Path, list[Page], list[int]], tmp_path: Path
) -> None:
    out, _, _ = pages
    browser = Browser(tmp_path / "profile")
    try:
        for name, (width, height) in {"laptop": (1366, 900), "phone": (390, 844)}.items():
            session = browser.open((out / "readiness-fault.html").as_uri(), width, height)
            banner = browser.evaluate(session, "document.getElementById('banner').innerText")
            assert "FAIL" in str(banner)
            overflow = browser.evaluate(session, "document.documentElement.scrollWidth - window.innerWidth")
            assert overflow == 0, f"{name}: {overflow}px of horizontal overflow"
            shot = tmp_path / f"lab-{name}.png"
            browser.screenshot(session, shot)
            assert shot.stat().st_size > 10_000
    finally:
        browser.close()
