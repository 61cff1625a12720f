"""The plugin, driven by pytester in-process with a fake target kind (no network)."""

import xml.etree.ElementTree as ET

import pytest

from opsverify import registry
from opsverify.kinds import Kind, active
from opsverify.verdict import Verdict

INVENTORY = """\
version: 1
containers:
  - name: web-1
  - name: web-2
    severity: info
  - name: db
    severity: warning
"""

CHECKS = """\
import pytest
from opsverify.verdict import expect
from opsverify.verdict import Verdict

pytestmark = pytest.mark.smoke

@pytest.mark.opsverify("fake", severity="critical")
def test_up(target, facts):
    state = facts["state"]
    ok = state == "up"
    expect(Verdict(ok, target.name, f"{target.name}: state is {state!r}, expected 'up'"))

@pytest.mark.opsverify("fake", severity="warning", where=lambda t: t.name.startswith("web"))
def test_web_only(target, facts):
    expect(Verdict.passed(target.name))
"""

GATHERED: list[str] = []


def _gather(entry, ctx):
    GATHERED.append(entry.name)
    return {"state": "down" if entry.name in STATE_DOWN else "up"}


STATE_DOWN: set[str] = set()


@pytest.fixture
def suite(pytester, monkeypatch):
    monkeypatch.setattr(registry, "_EXTRA", {})
    registry.register(Kind("fake", gather=_gather, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    GATHERED.clear()
    STATE_DOWN.clear()
    pytester.makefile(".yml", inventory=INVENTORY)
    pytester.makepyfile(test_checks=CHECKS)
    return pytester


def run(suite, *args):
    return suite.runpytest("--inventory", "inventory.yml", "--opsverify-no-suite", "-p", "no:cacheprovider", *args)


def test_ids_name_the_target_and_all_pass(suite):
    result = run(suite, "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*test_up?web-1? PASSED*", "*test_up?db? PASSED*", "*test_web_only?web-2? PASSED*"])


def test_each_target_is_probed_once_for_all_its_checks(suite):
    run(suite)
    assert sorted(GATHERED) == ["db", "web-1", "web-2"]


def test_failure_is_one_line_without_traceback(suite):
    STATE_DOWN.add("web-1")
    result = run(suite)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["web-1: state is 'down', expected 'up'"])
    assert "Traceback" not in result.stdout.str() and "def test_up" not in result.stdout.str()


@pytest.mark.parametrize(
    ("down", "fail_on", "code"),
    [
        ({"web-2"}, "info", 1),  # default: any failure fails
        ({"web-2"}, "warning", 0),  # an info check failing is below --fail-on warning
        ({"db"}, "warning", 1),  # db overrides severity to warning
        ({"db"}, "critical", 0),
        ({"web-1"}, "critical", 1),  # default severity of test_up is critical
    ],
)
def test_fail_on_decides_the_exit_code(suite, down, fail_on, code):
    STATE_DOWN.update(down)
    result = run(suite, "--opsverify-fail-on", fail_on)
    assert result.ret == code
    assert result.parseoutcomes()["failed"] == 1  # the failure is still reported


def test_fail_on_never_hides_an_ordinary_failing_test(suite):
    suite.makepyfile(test_plain="def test_plain():\n    assert 1 == 2\n")
    assert run(suite, "--opsverify-fail-on", "critical").ret == 1


def test_summary_line_counts_by_severity(suite):
    STATE_DOWN.update({"web-2", "db"})
    result = run(suite, "--opsverify-fail-on", "critical")
    result.stdout.fnmatch_lines(
        ["opsverify: PASS: 3 passed, 2 failed (by severity: warning 1, info 1); 0 at or above*"]
    )


def test_bad_inventory_is_a_usage_error_with_file_line(suite):
    suite.makefile(".yml", broken="version: 1\ncontainers:\n  - name: a\n    max_restarts: lots\n")
    result = suite.runpytest("--inventory", "broken.yml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR == 4
    result.stderr.fnmatch_lines(["*broken.yml:4: containers[[]0[]].max_restarts: expected an integer*"])


def test_markers_are_registered_for_strict_markers(suite):
    suite.makepyfile(test_marks="import pytest\n@pytest.mark.readiness\n@pytest.mark.alerts\ndef test_m():\n    pass\n")
    run(suite, "--strict-markers", "-m", "smoke").assert_outcomes(passed=5, deselected=1)


def test_junit_carries_target_and_severity(suite, tmp_path):
    """Target in the testcase name, severity in the failure message (where CI shows it); details: results.json
    (tests/unit/plugin/test_report_outputs.py covers the JUnit rewrite)."""
    STATE_DOWN.add("db")
    run(suite, f"--junitxml={tmp_path / 'j.xml'}", "-o", "junit_family=xunit1")
    cases = {c.get("name"): c for c in ET.parse(tmp_path / "j.xml").getroot().iter("testcase")}
    assert cases["test_up[db]"].find("failure").get("message") == "[warning] db: state is 'down', expected 'up'"


def test_unknown_environment_in_options_exits_4(suite):
    result = suite.runpytest("--inventory", "inventory.yml", "--opsverify-no-suite", "--opsverify-env", "prod")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*unknown environment 'prod'*"])


def test_verdict_bool_and_helpers():
    assert Verdict.passed("t") and not Verdict.failed("t", "bad")
    assert Verdict.failed("t", "bad", ["x"]).message == "t: bad"


def test_checks_for_an_empty_section_are_deselected_not_skipped(suite):
    suite.makefile(".yml", empty="version: 1\nhttp: []\n")
    result = suite.runpytest("--inventory", "empty.yml", "--opsverify-no-suite", "-p", "no:cacheprovider")
    result.assert_outcomes(deselected=2)
    assert result.parseoutcomes().get("skipped") is None


def _waivers(suite, *lines):
    suite.makefile(".yml", inventory=INVENTORY + "waivers:\n" + "".join(lines))


def test_active_waiver_turns_a_failure_into_a_visible_waived(suite):
    STATE_DOWN.add("web-1")
    _waivers(
        suite, "  - check: test_up[web-1]\n    reason: INC-42 disk swap\n    expires: 2999-01-01\n    owner: ops\n"
    )
    result = run(suite)
    assert result.ret == 0
    result.assert_outcomes(passed=4, xfailed=1)
    result.stdout.fnmatch_lines(
        ["opsverify: WAIVED test_up[[]web-1[]]: INC-42 disk swap (waiver until 2999-01-01, owner ops)"]
    )


def test_expired_waiver_no_longer_applies_and_says_so(suite):
    STATE_DOWN.add("web-1")
    _waivers(suite, "  - check: test_*[web-1]\n    reason: old\n    expires: 2020-01-01\n")
    result = run(suite)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*waiver expired on 2020-01-01, so this failure counts: old", "opsverify: EXPIRED waiver 'test_*[[]web-1[]]'*"]
    )


def test_waiver_that_matches_no_failure_is_reported(suite):
    _waivers(suite, "  - check: test_up[db]\n    reason: flaky\n    expires: 2999-01-01\n")
    result = run(suite)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["opsverify: UNUSED waiver 'test_up[[]db[]]': no failing check matched it*"])


@pytest.mark.parametrize(
    ("waiver", "message"),
    [
        (
            "  - check: x\n    reason: r\n    expires: soon\n",
            "inventory.yml:11: waivers[0].expires: expected a date like 2026-12-31",
        ),
        ("  - check: x\n    reason: r\n", "inventory.yml:9: waivers[0]: missing required key 'expires'"),
        (
            "  - check: x\n    reason: ' '\n    expires: 2030-01-01\n",
            "inventory.yml:9: waivers[0]: a waiver needs a reason",
        ),
    ],
)
def test_bad_waivers_stop_the_run(suite, waiver, message):
    _waivers(suite, waiver)
    result = run(suite)
    assert result.ret == 4
    assert f"ERROR: {message}" in result.stderr.str()


def test_a_probe_over_its_budget_fails_its_check_and_the_run_goes_on(suite, monkeypatch):
    import time as _time

    def slow_or_fast(entry, ctx):
        if entry.name == "web-1":
            _time.sleep(3)
        return {"state": "up"}

    registry.register(Kind("fake", gather=slow_or_fast, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    monkeypatch.setattr(Kind, "budget", lambda self, entry, ctx: 0.5)
    result = run(suite)
    result.assert_outcomes(passed=3, failed=2)  # web-1's two checks fail (not errors); the others pass
    result.stdout.fnmatch_lines(
        ["web-1: probe did not finish within its 0.5s budget (a target that hangs or trickles its answer)"]
    )


def test_an_unforeseen_exception_is_one_line_naming_target_and_check_first(suite, monkeypatch):
    def broken(entry, ctx):
        if entry.name == "db":
            return {"no state key": 1}
        return {"state": "up"}

    registry.register(Kind("fake", gather=broken, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    result = run(suite)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["db: internal error in the fake check (KeyError: 'state'); please report it"])


def test_reports_are_masked_again_with_secrets_learned_later(suite, monkeypatch, tmp_path):
    from opsverify.masking import MASKER

    def learns(entry, ctx):
        if entry.name == "web-2":  # a probe that reads a secret only while it runs
            MASKER.add("learned-later-secret")
        return {"state": "learned-later-secret" if entry.name == "web-1" else "up"}

    registry.register(Kind("fake", gather=learns, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    html, xml = tmp_path / "r.html", tmp_path / "j.xml"
    result = run(
        suite,
        "-p",
        "no:randomly",
        "--opsverify-concurrency",
        "1",
        f"--html={html}",
        "--self-contained-html",
        f"--junitxml={xml}",
    )
    result.assert_outcomes(passed=4, failed=1)
    for artifact in (html, xml):
        text = artifact.read_text()
        assert "learned-later-secret" not in text
        assert "state is" in text  # the failure itself is there, masked


def test_a_failure_made_by_another_plugin_after_ours_keeps_the_run_failed(suite):
    """Like tests/conftest.py under CI=true: an outer hook turns a skip into a failure that opsverify never saw."""
    suite.makeconftest(
        "import pytest\n"
        "@pytest.hookimpl(wrapper=True, tryfirst=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n"
        "    if report.skipped and 'plain' in item.name:\n"
        "        report.outcome = 'failed'\n"
        "    return report\n"
    )
    suite.makepyfile(test_plain="import pytest\ndef test_plain():\n    pytest.skip('lab unavailable')\n")
    STATE_DOWN.add("web-2")  # an info-level opsverify failure, below --fail-on critical
    assert run(suite, "--opsverify-fail-on", "critical").ret == 1


def test_a_big_run_probes_in_a_child_process_with_the_same_verdicts(pytester, monkeypatch):
    """250 targets (>= childprobes.MIN_JOBS): the gathers run in the probe process, not here, and the verdicts and
    the failure's one line are the same as when the probes run in this process."""
    monkeypatch.setattr(registry, "_EXTRA", {})
    registry.register(Kind("fake", gather=_gather, targets=lambda ctx: active(ctx, ctx.inventory.containers)))
    names = [f"web-{i}" for i in range(250)]
    pytester.makefile(".yml", inventory="version: 1\ncontainers:\n" + "".join(f"  - name: {n}\n" for n in names))
    pytester.makepyfile(test_checks=CHECKS)
    results = {}
    for mode in ("1", "0"):
        GATHERED.clear()
        STATE_DOWN.clear()
        STATE_DOWN.add("web-7")
        monkeypatch.setenv("OPSVERIFY_PROBE_PROCESS", mode)
        result = pytester.runpytest("--inventory", "inventory.yml", "--opsverify-no-suite", "-p", "no:cacheprovider")
        results[mode] = (result.ret, result.parseoutcomes(), sorted(GATHERED))
        result.stdout.fnmatch_lines(["*web-7: state is 'down', expected 'up'*"])
    assert results["1"][:2] == results["0"][:2] == (1, {"passed": 499, "failed": 1})
    assert results["1"][2] == []  # every probe ran in the child process
    assert results["0"][2] == sorted(names)  # here, once each
