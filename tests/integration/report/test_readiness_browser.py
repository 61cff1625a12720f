"""The readiness page in a real browser (headless Chromium over the DevTools protocol): two runs with a fault
injected between them, then screenshots at laptop and phone width, checked for the banner (its text, position and its
colour in the pixels), the failure groups and no horizontal overflow (measured by the browser's layout).

Needs Debian's ``chromium``; no lab. ``OPSVERIFY_SCREENSHOT_DIR=docs/img`` keeps the screenshots (the README's)."""

from __future__ import annotations

import datetime
import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from chromium_devtools import CHROMIUM, Browser

from opsverify import registry
from opsverify.kinds import Kind, active

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}

TODAY = datetime.date.today()

INVENTORY = f"""\
version: 1
name: shop (production)
environments:
  prod:
    description: production
default_environment: prod
containers:
  - name: shop-api
    description: "the shop's REST API, behind <nginx> & the CDN"
  - name: shop-worker
    description: background jobs (mail, invoices)
    severity: warning
  - name: shop-db
    description: PostgreSQL 16, primary
  - name: a-very-long-container-name-without-any-break-opportunity-whatsoever-in-it-at-all
    severity: info
http:
  - name: api-health
    description: the API's health endpoint, polled by the load balancer
    url: http://127.0.0.1:18080/health
  - name: api-orders
    url: http://127.0.0.1:18080/v1/orders?limit=1
depends_on:
  api-health: [shop-api]
  api-orders: [shop-api]
checklist:
  - name: restore-drill
    description: a full restore of last night's backup was rehearsed
    attested_by: alice
    attested_on: {(TODAY - datetime.timedelta(days=80)).isoformat()}
    evidence: https://wiki.example/drills/restore
    valid_for: 90d
  - name: oncall-rotation
    description: the on-call rotation for the launch week is defined
    severity: warning
    attested_by: bob
    attested_on: {(TODAY - datetime.timedelta(days=3)).isoformat()}
    evidence: https://oncall.example/rotations/launch
    valid_for: 30d
waivers:
  - check: test_queue_depth[shop-worker]
    reason: INC-4211 queue drains slowly after the 2.8 migration
    reason_match: "queue depth \\\\d+"
    expires: {(TODAY + datetime.timedelta(days=10)).isoformat()}
    owner: platform-team
"""

CHECKS = """\
import pytest
from opsverify.verdict import expect, Verdict
from opsverify.checks.test_checklist import test_checklist_attested  # the real checklist check

@pytest.mark.opsverify("containers", severity="critical")
def test_container_running(target, facts):
    expect(Verdict(facts["running"], target.name, f"{target.name}: " + facts["why"]))

@pytest.mark.opsverify("containers", severity="critical")
def test_container_healthy(target, facts):
    expect(Verdict(facts["running"], target.name, f"{target.name}: " + ("healthy" if facts["running"] else "no health status: not running")))

@pytest.mark.opsverify("containers", severity="warning")
def test_queue_depth(target, facts):
    expect(Verdict(facts["queue"] < 100, target.name, f"{target.name}: queue depth {facts['queue']}, expected < 100"))

@pytest.mark.opsverify("http", severity="critical")
def test_http_status(target, facts):
    expect(Verdict(facts["up"], target.name, f"{target.name}: " + ("HTTP 200" if facts["up"] else f"GET {target.url}: cannot connect: connection refused")))

@pytest.mark.opsverify("http", severity="warning")
def test_http_latency(target, facts):
    expect(Verdict(facts["up"], target.name, f"{target.name}: " + ("answered in 38 ms" if facts["up"] else f"GET {target.url}: cannot connect: connection refused")))
"""

FAULT: dict[str, str] = {}


def _containers(entry, ctx):
    why = FAULT.get(entry.name)
    return {
        "running": why is None,
        "why": why or 'status is "running" (up 3 days, 0 restarts)',
        "queue": 250 if entry.name == "shop-worker" else 3,
    }


def _http(entry, ctx):
    return {"up": "shop-api" not in FAULT}


LAYOUT = """JSON.stringify((function () {
  var b = document.getElementById('banner').getBoundingClientRect();
  var d = document.documentElement;
  return {
    scrollWidth: d.scrollWidth, innerWidth: window.innerWidth,
    bannerTop: b.top, bannerBottom: b.bottom, bannerWidth: b.width,
    banner: document.getElementById('banner').textContent,
    groups: Array.from(document.querySelectorAll('[data-entry]')).map(function (e) { return e.dataset.entry; }),
    newChecks: Array.from(document.querySelectorAll('#new [data-check]')).map(function (e) { return e.dataset.check; }),
    newLines: document.querySelectorAll('#new > li').length,
    fixed: Array.from(document.querySelectorAll('#fixed [data-check]')).map(function (e) { return e.dataset.check; }).sort(),
    roots: Array.from(document.querySelectorAll('[data-root]')).map(function (e) { return e.dataset.root; }),
    rootLine: (document.querySelector('[data-root] summary') || {}).textContent || '',
    rootOpen: (document.querySelector('[data-root]') || {}).open,
    trendRuns: document.getElementById('trend').dataset.runs,
    soon: Array.from(document.querySelectorAll('#waivers .soon')).map(function (e) {
      return e.dataset.waiver || e.dataset.attestation; }),
    passingOpen: document.querySelector('#passing details').open,
    images: document.images.length, scripts: document.scripts.length,
    widest: Array.from(document.querySelectorAll('body *')).reduce(function (m, e) {
      return Math.max(m, e.getBoundingClientRect().right); }, 0)
  };
})())"""


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit PNG (what Chromium writes), without an image library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def _pixel(rows: list[bytes], x: int, y: int, channels: int) -> tuple[int, ...]:
    return tuple(rows[y][x * channels : x * channels + 3])


@pytest.fixture
def two_runs(pytester, monkeypatch):
    """Four runs: healthy; shop-db down; shop-db still down; shop-db fixed but shop-api stopped (the fault injected
    last, with its HTTP endpoints depending on it). Returns the page of the last run."""
    monkeypatch.setattr(registry, "_EXTRA", {})
    monkeypatch.delenv("OPSVERIFY_HISTORY", raising=False)
    registry.register(Kind("containers", gather=_containers, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    registry.register(Kind("http", gather=_http, targets=lambda ctx: active(ctx, ctx.inventory.http)))
    FAULT.clear()
    pytester.makefile(".yml", inventory=INVENTORY)
    pytester.makepyfile(test_checks=CHECKS)
    args = [
        "--inventory",
        "inventory.yml",
        "--opsverify-no-suite",
        "-p",
        "no:cacheprovider",
        "--html=reports/report.html",
    ]
    assert pytester.runpytest(*args).ret == 0
    FAULT["shop-db"] = 'status is "restarting" (restart count 14, last exit code 1)'
    assert pytester.runpytest(*args).ret == 1
    assert pytester.runpytest(*args).ret == 1
    FAULT.clear()
    FAULT["shop-api"] = 'status is "exited" (exit code 137, OOM-killed) <img src=x onerror=alert(1)>'
    assert pytester.runpytest(*args).ret == 1
    return pytester.path / "reports" / "readiness.html"


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_screenshots_show_the_banner_groups_and_no_horizontal_overflow(two_runs, tmp_path, device):
    import json

    width, height = WIDTHS[device]
    browser = Browser(tmp_path / "profile")
    try:
        session = browser.open(two_runs.as_uri(), width, height)
        layout = json.loads(str(browser.evaluate(session, LAYOUT)))
        shot = tmp_path / f"readiness-{device}.png"
        browser.screenshot(session, shot)
        if device == "laptop":  # the README's picture: the whole page, the root cause expanded as by a click
            browser.evaluate(session, "document.querySelector('[data-root]').open = true; 1")
            browser.full_page(session, width, tmp_path / "readiness-laptop-full.png")
    finally:
        browser.close()
    # the layout, as the browser computed it
    assert layout["innerWidth"] == width
    assert layout["scrollWidth"] <= width and layout["widest"] <= width + 0.5, layout  # no horizontal overflow
    assert layout["bannerTop"] < 150 and layout["bannerWidth"] >= min(width, 980) - 60, layout  # the verdict leads
    assert layout["banner"].startswith("FAIL6 failed check(s) at or above --fail-on info")
    # one root cause: the stopped container, its own checks and the HTTP checks that depend on it, nothing else
    assert layout["roots"] == ["containers:shop-api"] and layout["groups"] == []
    assert "container shop-api is down" in layout["rootLine"] and "5 dependent checks" in layout["rootLine"]
    assert layout["rootOpen"] is False  # one line; the dependents expand
    assert sorted(layout["newChecks"]) == sorted(
        [f"test_container_{c}[shop-api]" for c in ("running", "healthy")]
        + [f"test_http_{c}[{e}]" for c in ("status", "latency") for e in ("api-health", "api-orders")]
    )
    assert layout["newLines"] == 1  # ... folded under their root cause: one line, not six alarms
    assert layout["fixed"] == ["test_container_healthy[shop-db]", "test_container_running[shop-db]"]
    assert layout["trendRuns"] == "4"
    assert layout["soon"] == ["test_queue_depth[shop-worker]", "restore-drill"]  # within 14 days: highlighted
    assert layout["passingOpen"] is False  # passing checks collapsed
    assert layout["images"] == 0 and layout["scripts"] == 0  # the <img onerror> a target sent is text
    # the screenshot: its size, and the banner's red in its pixels
    w, h, rows = _png_pixels(shot)
    assert (w, h) == (width, height)
    channels = len(rows[0]) // w
    banner = _pixel(rows, w // 2, int(layout["bannerTop"]) + 6, channels)
    assert banner[0] > 150 and banner[1] < 80 and banner[2] < 80, banner  # the FAIL banner's red (#b3261e)
    keep = os.environ.get("OPSVERIFY_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("readiness-*.png"):
            shutil.copy(png, Path(keep) / png.name)
