"""The readiness reports written at the end of a run, end to end: pytester runs of a fake kind whose targets'
state the test flips between runs (the "fault injected between two runs"), no network."""

from __future__ import annotations

import json
import sqlite3
import time
from html.parser import HTMLParser

import pytest
from prometheus_client.parser import text_string_to_metric_families

from opsverify import registry
from opsverify.kinds import Kind, active

INVENTORY = """\
version: 1
name: shop
containers:
  - name: web-1
    description: "the <b>front</b> web server"
  - name: web-2
    severity: info
  - name: db
    severity: warning
"""

CHECKS = """\
import pytest
from opsverify.verdict import expect, Verdict

@pytest.mark.opsverify("fake", severity="critical")
def test_up(target, facts):
    state = facts["state"]
    expect(Verdict(state == "up", target.name, f"{target.name}: state is {state}, expected up"))
"""

STATE: dict[str, str] = {}
PROBE_SECONDS = 0.25


def _gather(entry, ctx):
    time.sleep(PROBE_SECONDS)
    return {"state": STATE.get(entry.name, "up")}


@pytest.fixture
def suite(pytester, monkeypatch):
    monkeypatch.setattr(registry, "_EXTRA", {})
    monkeypatch.delenv("OPSVERIFY_HISTORY", raising=False)
    monkeypatch.delenv("OPSVERIFY_RUN_ID", raising=False)
    registry.register(Kind("fake", gather=_gather, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    STATE.clear()
    pytester.makefile(".yml", inventory=INVENTORY)
    pytester.makepyfile(test_checks=CHECKS)
    return pytester


def run(suite, *args):
    return suite.runpytest(
        "--inventory",
        "inventory.yml",
        "--opsverify-no-suite",
        "-p",
        "no:cacheprovider",
        "--html=reports/report.html",
        "--self-contained-html",
        "--junitxml=reports/junit.xml",
        "-o",
        "junit_family=xunit1",
        *args,
    )


class Page(HTMLParser):
    """The readiness page, parsed: elements by id, check ids under each id'd section, data attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.checks: dict[str, list[str]] = {}
        self.attrs: dict[str, dict[str, str]] = {}
        self.roots: list[dict[str, str]] = []
        self.groups: list[str] = []
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag in ("br", "meta", "img", "input", "line", "circle", "rect", "polyline"):
            return
        self.stack.append(a.get("id", ""))
        if a.get("id"):
            self.attrs[a["id"]] = a
        if "data-check" in a:
            for owner in filter(None, self.stack):
                self.checks.setdefault(owner, []).append(a["data-check"])
        if "data-root" in a:
            self.roots.append(a)
        if "data-entry" in a:
            self.groups.append(a["data-entry"])

    def handle_endtag(self, tag):
        if tag not in ("br", "meta", "img", "input", "line", "circle", "rect", "polyline") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for owner in filter(None, self.stack):
            self.text.setdefault(owner, []).append(data)

    def section(self, name: str) -> str:
        return " ".join("".join(self.text.get(name, [])).split())


def page(suite) -> Page:
    return Page((suite.path / "reports" / "readiness.html").read_text())


def results(suite) -> dict:
    return json.loads((suite.path / "reports" / "results.json").read_text())


def test_every_report_is_written_beside_the_html_report(suite):
    STATE["db"] = "down"
    result = run(suite)
    assert result.ret == 1
    reports = suite.path / "reports"
    for name in ("readiness.html", "results.json", "summary.md", "results.prom", "history.sqlite", "report.html"):
        assert (reports / name).is_file(), name
    result.stdout.fnmatch_lines([f"opsverify: readiness report: {reports / 'readiness.html'}"])


def test_results_json_has_every_check_with_the_documented_fields(suite):
    STATE["db"] = "down"
    run(suite)
    data = results(suite)
    assert data["schema"] == 1 and data["verdict"] == "FAIL" and data["fail_on"] == "info" and data["name"] == "shop"
    by_id = {c["id"]: c for c in data["checks"]}
    assert set(by_id) == {"test_up[web-1]", "test_up[web-2]", "test_up[db]"}
    db, web1 = by_id["test_up[db]"], by_id["test_up[web-1]"]
    assert db["outcome"] == "failed" and db["severity"] == "warning" and db["target"] == "db" and db["kind"] == "fake"
    assert db["reason"] == "db: state is down, expected up"
    assert db["first_failed_at"] == data["started_at"] and db["change"] == "new"
    assert web1["outcome"] == "passed" and web1["measured"] == "web-1: state is up, expected up"
    assert web1["description"] == "the <b>front</b> web server"
    # the real duration: the probe's own run time (prefetched), not the ~0 s of the check's call phase
    assert PROBE_SECONDS <= web1["duration_seconds"] < PROBE_SECONDS + 1.0
    assert data["counts"]["warning"]["failed"] == 1 and data["counts"]["critical"]["passed"] == 1
    for key in ("waiver", "attestation", "root_cause", "waiver_note", "nodeid"):
        assert key in web1


def test_prometheus_textfile_parses_with_the_real_parser(suite):
    STATE["web-2"] = "down"
    run(suite, "--opsverify-fail-on", "warning")
    text = (suite.path / "reports" / "results.prom").read_text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    ok = {s.labels["check"]: s.value for s in families["opsverify_check_ok"].samples}
    assert ok == {"test_up[web-1]": 1.0, "test_up[web-2]": 0.0, "test_up[db]": 1.0}
    sample = next(s for s in families["opsverify_check_ok"].samples if s.labels["check"] == "test_up[web-2]")
    assert sample.labels["severity"] == "info" and sample.labels["target"] == "web-2"
    assert families["opsverify_run_timestamp_seconds"].samples[0].value == pytest.approx(time.time(), abs=60)
    assert families["opsverify_run_passed"].samples[0].value == 1.0  # info failure below --fail-on warning
    counts = {(s.labels["severity"], s.labels["outcome"]): s.value for s in families["opsverify_checks"].samples}
    assert counts[("info", "failed")] == 1 and counts[("critical", "passed")] == 1


def test_two_runs_with_a_fault_injected_between_them(suite):
    assert run(suite).ret == 0
    first = page(suite)
    assert first.attrs["banner"]["data-verdict"] == "PASS"
    assert first.attrs["trend"]["data-runs"] == "1"

    STATE["web-1"] = "down"  # the fault
    assert run(suite).ret == 1
    second = page(suite)
    assert second.attrs["banner"]["data-verdict"] == "FAIL"
    assert "FAIL" in second.section("banner") and "1 failed check(s) at or above --fail-on info" in second.section(
        "banner"
    )
    assert second.checks["new"] == ["test_up[web-1]"]
    assert second.checks.get("still-failing", []) == [] and second.checks.get("fixed", []) == []
    assert second.groups == ["fake:web-1"]  # failures grouped by inventory entry, with its description
    assert "the <b>front</b> web server" in second.section("failures")  # shown as text, escaped
    assert "web-1: state is down, expected up" in second.section("failures")
    assert second.attrs["trend"]["data-runs"] == "2"
    assert second.attrs["counts"] is not None and "1 failed" in second.section("counts")

    assert run(suite).ret == 1  # still failing
    third = page(suite)
    assert third.checks["still-failing"] == ["test_up[web-1]"] and third.checks.get("new", []) == []
    assert "since" in third.section("still-failing")

    STATE.clear()  # fixed
    assert run(suite).ret == 0
    fourth = page(suite)
    assert fourth.attrs["banner"]["data-verdict"] == "PASS"
    assert fourth.checks["fixed"] == ["test_up[web-1]"]
    assert fourth.attrs["trend"]["data-runs"] == "4"
    assert "Passing checks (3)" in fourth.section("passing") and "web-1: state is up, expected up" in fourth.section(
        "passing"
    )
    md = (suite.path / "reports" / "summary.md").read_text()
    assert "PASS at --fail-on info" in md and "### Fixed since the last run (1)" in md


def test_the_page_is_self_contained_and_links_the_pytest_html_log(suite):
    STATE["db"] = "down"
    run(suite)
    text = (suite.path / "reports" / "readiness.html").read_text()
    parsed = Page(text)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text
    assert parsed.attrs["log-link"]["href"] == "./report.html"


def test_target_supplied_text_is_inert_in_every_report(suite):
    STATE["web-1"] = "<img src=x onerror=alert(1)> | **bold** [x](http://evil) `code`"
    run(suite)
    reports = suite.path / "reports"
    html_text = (reports / "readiness.html").read_text()
    assert "<img" not in html_text and "&lt;img src=x onerror=alert(1)&gt;" in html_text
    assert "img" not in Page(html_text).tags
    md = (reports / "summary.md").read_text()
    assert "<img" not in md and "&lt;img" in md and "\\*\\*bold\\*\\*" in md and "\\[x\\]" in md
    assert json.loads((reports / "results.json").read_text())  # JSON-escaped by the encoder


def test_secrets_never_reach_any_report(suite, monkeypatch):
    from opsverify.masking import MASKER

    MASKER.add("hunter2-s3cret-token")
    STATE["web-1"] = "leaking hunter2-s3cret-token here"
    run(suite)
    for path in (suite.path / "reports").iterdir():
        if path.suffix in (".html", ".json", ".md", ".prom", ".xml"):
            assert "hunter2-s3cret-token" not in path.read_text(), path.name
    assert "leaking *** here" in (suite.path / "reports" / "readiness.html").read_text()


def test_history_store_can_be_moved_by_environment(suite, monkeypatch, tmp_path):
    monkeypatch.setenv("OPSVERIFY_HISTORY", str(tmp_path / "elsewhere.sqlite"))
    run(suite)
    assert (tmp_path / "elsewhere.sqlite").is_file() and not (suite.path / "reports" / "history.sqlite").exists()


def test_a_corrupt_history_store_is_a_clear_error_and_left_untouched(suite):
    store = suite.path / "reports" / "history.sqlite"
    store.parent.mkdir()
    store.write_bytes(b"not a database, but someone's notes\n" * 40)
    before = store.read_bytes()
    result = run(suite)
    assert result.ret == 0  # the targets are fine: the store's problem does not change the verdict
    result.stdout.fnmatch_lines(["opsverify: ERROR: history store *history.sqlite: not a readable SQLite file*"])
    assert store.read_bytes() == before
    assert "History unavailable" in (suite.path / "reports" / "readiness.html").read_text()
    assert results(suite)["history"] is None


def test_a_foreign_sqlite_file_is_refused(suite):
    store = suite.path / "reports" / "history.sqlite"
    store.parent.mkdir()
    con = sqlite3.connect(store)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    result = run(suite)
    result.stdout.fnmatch_lines(["opsverify: ERROR: history store *: not an opsverify history store*"])
    con = sqlite3.connect(store)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["invoices"]
    con.close()


def _waivers(suite, *lines):
    suite.makefile(".yml", inventory=INVENTORY + "waivers:\n" + "".join(lines))


def test_a_waiver_whose_reason_matches_waives_the_failure(suite):
    STATE["web-1"] = "overloaded"
    _waivers(
        suite,
        "  - check: test_up[web-1]\n    reason: INC-7 load\n    expires: 2999-01-01\n    reason_match: state is overloaded\n",
    )
    result = run(suite)
    assert result.ret == 0
    result.assert_outcomes(passed=2, xfailed=1)
    check = next(c for c in results(suite)["checks"] if c["id"] == "test_up[web-1]")
    assert check["outcome"] == "waived" and check["waiver"]["state"] == "used"
    assert check["waiver"]["reason_match"] == "state is overloaded"


def test_a_waiver_whose_reason_does_not_match_does_not_hide_the_failure(suite):
    STATE["web-1"] = "connection refused"  # a different failure of the same check than the one waived
    _waivers(
        suite,
        "  - check: test_up[web-1]\n    reason: INC-7 load\n    expires: 2999-01-01\n    reason_match: overloaded\n",
    )
    result = run(suite)
    assert result.ret == 1
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "web-1: state is connection refused, expected up",
            "*waiver 'test_up[[]web-1[]]' does not apply: this failure's reason does not match its reason_match "
            "'overloaded', so it counts",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "opsverify: MISMATCHED waiver 'test_up[[]web-1[]]': test_up[[]web-1[]] failed for another reason than its "
            "reason_match 'overloaded', so it counts"
        ]
    )
    assert "UNUSED waiver" not in result.stdout.str()
    check = next(c for c in results(suite)["checks"] if c["id"] == "test_up[web-1]")
    assert check["outcome"] == "failed" and "does not apply" in check["waiver_note"]
    assert check["waiver"]["state"] == "reason-mismatch"
    assert "does not apply" in (suite.path / "reports" / "readiness.html").read_text()


def test_a_waiver_is_unused_only_when_its_check_ran(suite):
    _waivers(suite, "  - check: test_up[db]\n    reason: flaky\n    expires: 2999-01-01\n")
    result = run(suite, "-k", "web")  # a run that does not include test_up[db]
    assert "UNUSED waiver" not in result.stdout.str()
    assert results(suite)["waivers"][0]["state"] == "not-run"
    result = run(suite)
    result.stdout.fnmatch_lines(["opsverify: UNUSED waiver 'test_up[[]db[]]'*"])
    assert results(suite)["waivers"][0]["state"] == "unused"


def test_a_bad_reason_match_stops_the_run(suite):
    _waivers(suite, "  - check: x\n    reason: r\n    expires: 2999-01-01\n    reason_match: '(unclosed'\n")
    result = run(suite)
    assert result.ret == 4
    assert "bad regular expression '(unclosed'" in result.stderr.str()


def test_waivers_expiring_soon_are_highlighted(suite):
    import datetime

    soon = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    STATE["web-1"] = "down"
    _waivers(suite, f"  - check: test_up[web-1]\n    reason: INC-9\n    expires: {soon}\n")
    run(suite)
    parsed = Page((suite.path / "reports" / "readiness.html").read_text())
    assert "5 days left" in parsed.section("waivers")
    text = (suite.path / "reports" / "readiness.html").read_text()
    assert 'class="card soon" data-waiver="test_up[web-1]" data-days-left="5"' in text


def test_nothing_is_written_without_an_inventory(pytester):
    pytester.makepyfile(test_plain="def test_a():\n    pass\n")
    pytester.runpytest("-p", "no:cacheprovider", "--junitxml=reports/junit.xml").assert_outcomes(passed=1)
    assert sorted(p.name for p in (pytester.path / "reports").iterdir()) == ["junit.xml"]


def test_reports_default_to_a_reports_folder(suite):
    suite.runpytest("--inventory", "inventory.yml", "--opsverify-no-suite", "-p", "no:cacheprovider")
    assert (suite.path / "reports" / "readiness.html").is_file()


def test_a_report_writer_failure_does_not_change_the_exit_code(suite, monkeypatch):
    import importlib

    # through sys.modules: pytester's in-process runs drop modules first imported inside a run
    writer = importlib.import_module("opsverify.report.writer")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "write_all", broken)
    result = run(suite)
    assert result.ret == 0
    result.stderr.fnmatch_lines(["opsverify: ERROR: writing the readiness reports failed: RuntimeError: disk full"])


# --- JUnit for CI -------------------------------------------------------------------------------------------------


@pytest.fixture
def jenkins_schema(shared_dir):
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(shared_dir / "junit-schemas" / "jenkins-junit.xsd"))


def _cases(suite) -> dict:
    import xml.etree.ElementTree as ET

    root = ET.parse(suite.path / "reports" / "junit.xml").getroot()
    return {c.get("name"): c for c in root.iter("testcase")}


def test_junit_validates_against_the_jenkins_schema(suite, jenkins_schema, shared_dir):
    import xmlschema

    STATE.update({"web-1": "down", "db": "down"})
    suite.makepyfile(test_plain="def test_plain():\n    assert 1 == 2\n")  # a plain test: keeps its failure
    _waivers(suite, "  - check: test_up[web-2]\n    reason: INC-1\n    expires: 2999-01-01\n")
    STATE["web-2"] = "down"
    run(suite, "--opsverify-fail-on", "critical")
    path = suite.path / "reports" / "junit.xml"
    errors = list(jenkins_schema.iter_errors(str(path)))
    assert errors == [], [str(e)[:300] for e in errors[:3]]
    xunit = xmlschema.XMLSchema(str(shared_dir / "junit-schemas" / "xunit-junit-10.xsd"))
    assert list(xunit.iter_errors(str(path))) == []
    cases = _cases(suite)
    assert cases["test_plain"].find("failure") is not None


def test_junit_shows_severity_in_the_failure_message_and_the_real_duration(suite, jenkins_schema):
    STATE["web-1"] = "down"
    run(suite)
    case = _cases(suite)["test_up[web-1]"]
    assert case.find("failure").get("message") == "[critical] web-1: state is down, expected up"
    assert case.find("properties") is None and case.get("file") is None and case.get("line") is None
    for name, c in _cases(suite).items():
        assert PROBE_SECONDS <= float(c.get("time")) < PROBE_SECONDS + 1.0, name


def test_junit_failures_below_fail_on_are_skipped_with_the_reason_not_red(suite, jenkins_schema):
    STATE.update({"web-2": "down", "db": "down"})  # info and warning
    result = run(suite, "--opsverify-fail-on", "warning")
    assert result.ret == 1  # db (warning) fails the run
    cases = _cases(suite)
    assert cases["test_up[db]"].find("failure").get("message").startswith("[warning] db: state is down")
    web2 = cases["test_up[web-2]"]
    assert web2.find("failure") is None
    assert web2.find("skipped").text == (
        "[info] below --fail-on warning, does not fail the run: web-2: state is down, expected up"
    )
    assert web2.find("skipped").attrib == {}
    import xml.etree.ElementTree as ET

    suite_el = next(ET.parse(suite.path / "reports" / "junit.xml").getroot().iter("testsuite"))
    assert (suite_el.get("failures"), suite_el.get("skipped"), suite_el.get("tests")) == ("1", "1", "3")


def test_junit_waived_failures_are_skipped_with_severity_and_reason(suite, jenkins_schema):
    STATE["web-1"] = "down"
    _waivers(suite, "  - check: test_up[web-1]\n    reason: INC-42 disk swap\n    expires: 2999-01-01\n")
    run(suite)
    skipped = _cases(suite)["test_up[web-1]"].find("skipped")
    assert skipped.text.startswith("[critical] waived: INC-42 disk swap (waiver until 2999-01-01")


# --- root causes, end to end ----------------------------------------------------------------------------------------

RC_INVENTORY = """\
version: 1
name: shop
containers:
  - name: lab-api
    description: the shop API
  - name: lab-redis
http:
  - name: api-health
    url: http://127.0.0.1:18080/health
  - name: api-metrics
    url: http://127.0.0.1:18080/metrics
depends_on:
  api-health: [lab-api]
  api-metrics: [lab-api]
"""

RC_CHECKS = """\
import pytest
from opsverify.verdict import expect, Verdict

@pytest.mark.opsverify("containers", severity="critical")
def test_container_running(target, facts):
    expect(Verdict(facts["running"], target.name, f"{target.name}: not running (exited, code 0)"))

@pytest.mark.opsverify("containers", severity="warning")
def test_container_healthy(target, facts):
    expect(Verdict(facts["running"], target.name, f"{target.name}: no health status, not running"))

@pytest.mark.opsverify("http", severity="critical")
def test_http_status(target, facts):
    expect(Verdict(facts["up"], target.name, f"{target.name}: GET {target.url}: connection refused"))

@pytest.mark.opsverify("http", severity="warning")
def test_http_fast(target, facts):
    expect(Verdict(facts["up"], target.name, f"{target.name}: GET {target.url}: connection refused"))
"""

STOPPED: set[str] = set()


@pytest.fixture
def rc_suite(pytester, monkeypatch):
    monkeypatch.setattr(registry, "_EXTRA", {})
    monkeypatch.delenv("OPSVERIFY_HISTORY", raising=False)
    registry.register(
        Kind(
            "containers",
            gather=lambda e, ctx: {"running": e.name not in STOPPED},
            targets=lambda c: c.inventory.containers,
        )
    )
    registry.register(
        Kind("http", gather=lambda e, ctx: {"up": "lab-api" not in STOPPED}, targets=lambda c: c.inventory.http)
    )
    STOPPED.clear()
    pytester.makefile(".yml", inventory=RC_INVENTORY)
    pytester.makepyfile(test_rc=RC_CHECKS)
    return pytester


def test_a_stopped_container_is_one_root_cause_line_with_its_dependents(rc_suite):
    STOPPED.add("lab-api")
    result = run(rc_suite)
    assert result.ret == 1
    result.assert_outcomes(passed=2, failed=6)  # every failed check still counts
    parsed = page(rc_suite)
    assert len(parsed.roots) == 1 and parsed.roots[0]["data-root"] == "containers:lab-api"
    failures = parsed.section("failures")
    assert "container lab-api is down: lab-api: not running (exited, code 0) · 5 dependent checks" in failures
    assert parsed.groups == []  # nothing left outside the root
    data = results(rc_suite)
    assert [(r["key"], len(r["checks"])) for r in data["root_causes"]] == [("containers:lab-api", 6)]
    md = (rc_suite.path / "reports" / "summary.md").read_text()
    assert "### Root causes (1)" in md and "(5 dependent checks)" in md
    # "new since the last run" says it once too, not six times
    new_section = md.split("### New since the last run (6)\n")[1].split("\n\n")[0].splitlines()
    assert len(new_section) == 1
    assert new_section[0].startswith(
        "- **critical** container lab-api is down: lab-api: not running (exited, code 0) (6 checks: "
        "test\\_container\\_running\\[lab-api\\], "
    )
    html_text = (rc_suite.path / "reports" / "readiness.html").read_text()
    assert html_text.count('data-root-of="containers:lab-api"') == 1


# --- notify, end to end ---------------------------------------------------------------------------------------------


class _TelegramStandIn:
    """``POST /bot<token>/sendMessage`` on 127.0.0.1, recording requests (no real Telegram is reachable here)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.requests.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
                body = b'{"ok": true, "result": {"message_id": 7}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_the_telegram_stand_in_receives_the_digest_with_no_secret(suite, monkeypatch):
    token = "4242:telegram-stand-in-token"
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_TOKEN", token)
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_CHAT_ID", "-100777")
    standin = _TelegramStandIn()
    try:
        suite.makefile(
            ".yml",
            inventory=INVENTORY + f"notify:\n  when: always\n  telegram:\n    api_url: {standin.url}\n",
        )
        STATE["web-1"] = "down"
        result = run(suite)
        assert result.ret == 1
        result.stdout.fnmatch_lines(["opsverify: notify: digest sent to telegram"])
        md = (suite.path / "reports" / "summary.md").read_text()
        assert "Full report: [readiness.html](readiness.html)" in md  # no report_url: the local file
        ((path, body),) = standin.requests
        assert path == f"/bot{token}/sendMessage" and body["chat_id"] == "-100777"
        assert "opsverify FAIL at --fail-on info: shop" in body["text"]
        assert "- [critical] test_up[web-1]: web-1: state is down, expected up" in body["text"]
        assert "readiness.html" in body["text"]
        assert token not in result.stdout.str() + body["text"]
        for path_ in (suite.path / "reports").iterdir():
            if path_.suffix in (".html", ".json", ".md", ".prom", ".xml"):
                assert token not in path_.read_text()
    finally:
        standin.server.shutdown()
        standin.server.server_close()


def test_a_chat_that_is_down_never_fails_the_run(suite, monkeypatch):
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_TOKEN", "4242:telegram-stand-in-token")
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_CHAT_ID", "-100777")
    suite.makefile(
        ".yml",
        inventory=INVENTORY + "notify:\n  when: always\n  timeout: 2s\n  telegram:\n    api_url: http://127.0.0.1:9\n",
    )
    result = run(suite)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["opsverify: WARNING: notify telegram failed (ConnectError*the run's result is unaffected"]
    )
    assert "4242:telegram-stand-in-token" not in result.stdout.str()


def test_junit_errors_and_collection_errors_still_validate(suite, jenkins_schema, monkeypatch):
    """A probe over its budget fails its check (<failure>), a fixture that raises errors in setup (<error>), and a
    broken module is a collection error: the file still validates."""
    registry.register(Kind("fake", gather=_slow_for_web1, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    monkeypatch.setattr(Kind, "budget", lambda self, entry, ctx: 0.5)
    suite.makepyfile(test_broken="import nowhere_to_be_found\n")
    suite.makepyfile(
        test_setup_error="import pytest\n\n@pytest.fixture\ndef boom():\n    raise RuntimeError('no')\n\n"
        "def test_needs_boom(boom):\n    pass\n"
    )
    run(suite, "--continue-on-collection-errors")
    path = suite.path / "reports" / "junit.xml"
    assert list(jenkins_schema.iter_errors(str(path))) == []
    cases = _cases(suite)
    failure = cases["test_up[web-1]"].find("failure")
    assert failure is not None and failure.get("message").startswith("[critical] web-1: probe did not finish")
    assert cases["test_needs_boom"].find("error") is not None
    assert any(c.find("error") is not None for name, c in cases.items() if "broken" in name)


def _slow_for_web1(entry, ctx):
    if entry.name == "web-1":
        time.sleep(2)
    return {"state": "up"}


# --- the real http kind against a local server ----------------------------------------------------------------------


def test_real_http_checks_against_a_local_server(pytester, monkeypatch):
    """The built-in http checks on 127.0.0.1: measured values and durations from the real probe, and two endpoints on
    a port where nothing listens grouped under that address."""
    import socket
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(0.2)
            body = b'{"status": "healthy"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    dead = closed.getsockname()[1]
    monkeypatch.delenv("OPSVERIFY_HISTORY", raising=False)
    try:
        pytester.makefile(
            ".yml",
            inventory=f"""\
version: 1
name: local http
defaults:
  timeout: 2s
http:
  - name: api
    description: the API
    url: http://127.0.0.1:{server.server_port}/health
    expect: {{json: {{status: healthy}}, max_time: 5s}}
  - name: admin
    url: http://127.0.0.1:{dead}/
  - name: admin-login
    url: http://127.0.0.1:{dead}/login
    expect: {{max_time: 5s}}
""",
        )
        pytester.makepyfile(test_h="from opsverify.checks.test_http import *  # noqa: F403\n")
        # in a subprocess: pytester's in-process runs re-import httpx, and the adapter's isinstance() checks on its
        # exceptions then see classes from another import (an artefact of the test harness, not of opsverify)
        result = pytester.runpytest_subprocess(
            "--inventory", "inventory.yml", "--opsverify-no-suite", "-p", "no:cacheprovider", "--html=reports/r.html"
        )
    finally:
        server.shutdown()
        server.server_close()
        closed.close()
    assert result.ret == 1
    data = results(pytester)
    by_id = {c["id"]: c for c in data["checks"]}
    api = by_id["test_http_status[api]"]
    assert api["outcome"] == "passed" and api["measured"].startswith("api: ") and api["description"] == "the API"
    assert 0.2 <= api["duration_seconds"] < 3  # the probe's real time (the server answers after 0.2 s)
    assert by_id["test_http_status[admin]"]["reason"].endswith("connection refused")
    (root,) = data["root_causes"]
    assert root["key"] == f"address:127.0.0.1:{dead}" and root["own"] is False
    assert sorted(root["checks"]) == sorted(c for c in by_id if "admin" in c and by_id[c]["outcome"] == "failed")
    assert len(root["checks"]) == 3  # admin's status, admin-login's status and response time
    assert f"127.0.0.1:{dead} does not accept connections · 3 dependent checks" in page(pytester).section("failures")


def test_junit_with_a_prefix_and_the_default_family_still_carries_severities(suite, jenkins_schema):
    STATE["db"] = "down"
    suite.runpytest(
        "--inventory", "inventory.yml", "--opsverify-no-suite", "-p", "no:cacheprovider",
        "--junitxml=reports/junit.xml", "--junit-prefix=ops",
    )  # fmt: skip
    assert list(jenkins_schema.iter_errors(str(suite.path / "reports" / "junit.xml"))) == []
    case = _cases(suite)["test_up[db]"]
    assert case.get("classname") == "ops.test_checks"
    assert case.find("failure").get("message") == "[warning] db: state is down, expected up"


def test_history_off_writes_the_reports_without_changes_or_trend(suite, monkeypatch):
    monkeypatch.setenv("OPSVERIFY_HISTORY", "off")
    STATE["db"] = "down"
    run(suite)
    assert not (suite.path / "reports" / "history.sqlite").exists()
    parsed = page(suite)
    assert "changes" not in parsed.attrs and "trend" not in parsed.attrs
    assert parsed.groups == ["fake:db"] and parsed.attrs["banner"]["data-verdict"] == "FAIL"
    assert "### Failures (1)" in (suite.path / "reports" / "summary.md").read_text()
    data = results(suite)
    assert data["history"] is None and data["trend"] == [] and data["checks"][2]["change"] == ""
