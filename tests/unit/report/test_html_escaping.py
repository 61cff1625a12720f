"""Escaping is total: a hostile string in every text field of the model stays text in the readiness page."""

from __future__ import annotations

import dataclasses
import datetime
from html.parser import HTMLParser

from opsverify.report import html, rootcause
from opsverify.report.results import AttestationInfo, FixedCheck, TrendPoint, WaiverInfo

from .conftest import make_run

EVIL = "\"'><x-evil onload=alert(1)>&amp;</x-evil>"
ALLOWED = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "section", "ul", "li", "span",
    "b", "br", "strong", "details", "summary", "div", "a", "footer", "svg", "line", "rect", "polyline",
    "circle", "text",
}  # fmt: skip


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(k for k, _ in attrs)


def _poison(obj):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, str) and f.name not in ("severity", "outcome", "change", "state", "kind"):
            setattr(obj, f.name, value + EVIL)


def test_every_string_field_stays_text(t0):
    run = make_run([("a[x]", "critical", "failed"), ("b[x]", "warning", "failed"), ("c[y]", "info", "passed")], at=t0)
    run.checks[0].kind = run.checks[1].kind = "containers"
    run.checks[0].reason = "x: not running"
    run.history = "h.sqlite"
    run.html_log = "./report.html"
    rootcause.group(run)
    run.checks[1].change, run.checks[1].first_failed_at = "still-failing", t0.isoformat()
    run.fixed = [FixedCheck("d[z]", "z", "http", "critical", "was bad", t0.isoformat())]
    run.waivers = [WaiverInfo("e[z]", "because", "2999-01-01", 3, "owner", "re", "used")]
    run.attestations = [AttestationInfo("drill", "valid", "alice", "2026-01-01", "https://e", "2026-04-01", 5, "d")]
    run.trend = [TrendPoint("r1", t0.isoformat(), 3, 1, {"critical": 1, "warning": 1, "info": 0})]
    run.notes = ["note"]
    for obj in [*run.checks, *run.fixed, *run.waivers, *run.attestations, *run.root_causes, *run.trend, run]:
        _poison(obj)
    page = html.render(run, history_error="broken" + EVIL)
    parsed = Tags()
    parsed.feed(page)
    assert parsed.tags <= ALLOWED, parsed.tags - ALLOWED
    assert "onload" not in parsed.attrs
    assert "<x-evil" not in page and page.count("&lt;x-evil onload=alert(1)&gt;") >= 20
    assert "&amp;amp;" in page  # the ampersand of the payload is escaped too, not passed through


def test_the_page_has_no_script_and_forbids_fetches(t0):
    page = html.render(make_run([("a[x]", "critical", "passed")], at=t0 + datetime.timedelta(days=1)))
    assert "<script" not in page
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in page
