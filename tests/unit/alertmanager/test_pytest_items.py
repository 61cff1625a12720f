"""The pytest collector for Alertmanager test files (standalone plugin module)."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

_INSTALLED = any(ep.value == "opsverify.alertmanager.pytest_items" for ep in entry_points(group="pytest11"))
PLUGIN = ([] if _INSTALLED else ["-p", "opsverify.alertmanager.pytest_items"]) + ["-p", "no:cacheprovider"]
CONFIG = """
route:
  receiver: ops
  routes:
    - {matchers: [team=db], receiver: db}
receivers: [{name: ops}, {name: db}]
"""
TESTS = """config: am.yml
tests:
  - name: routing
    alerts:
      - labels: {alertname: DBDown, team: db}
        expected_receivers: [db]
      - labels: {alertname: DBDown, team: web}
        expected_receivers: [db]
      - labels: {alertname: Other}
        expected_receivers: [ops]
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("OPSVERIFY_INVENTORY", raising=False)
    (pytester.path / "am.yml").write_text(CONFIG)
    (pytester.path / "lab.am-test.yml").write_text(TESTS)
    pytester.makeini("[pytest]\nopsverify_am_tests = *.am-test.yml\n")
    return pytester


def test_inert_unless_asked(suite: pytest.Pytester) -> None:
    (suite.path / "tox.ini").unlink()
    result = suite.runpytest(*PLUGIN, "--collect-only", "-q")
    assert "am-test.yml" not in result.stdout.str()


def test_items_and_ids(suite: pytest.Pytester) -> None:
    result = suite.runpytest(*PLUGIN, "--collect-only", "-q", "-m", "alerts")
    result.stdout.fnmatch_lines(
        ["lab.am-test.yml::routing::DBDown", "lab.am-test.yml::routing::DBDown#2", "lab.am-test.yml::routing::Other"]
    )


def test_failure_report_is_reason_diff_and_yaml(suite: pytest.Pytester) -> None:
    result = suite.runpytest(*PLUGIN)
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    report = [
        "DBDown{team=web}: routed to [ops], expected [db]; path: root",
        "  - db",
        "  + ops",
        "",
        f"{suite.path / 'lab.am-test.yml'}:7:",
        "    7 |       - labels: {alertname: DBDown, team: web}",
        "    8 |         expected_receivers: [db]",
    ]
    assert "\n".join(report) + "\n" in out
    assert "Traceback" not in out


def test_explicit_path_and_config_override(suite: pytest.Pytester) -> None:
    (suite.path / "tests.yml").write_text(TESTS)
    (suite.path / "other.yml").write_text(CONFIG.replace("team=db", "team=web"))
    result = suite.runpytest(*PLUGIN, "--am-tests", "tests.yml", "--am-config", "other.yml", "-k", "tests.yml")
    result.assert_outcomes(passed=2, failed=1)  # now web goes to db and db to ops


def test_bad_file_is_a_collection_error_with_file_line(suite: pytest.Pytester) -> None:
    (suite.path / "bad.am-test.yml").write_text("config: am.yml\ntests:\n  - name: x\n    alerts: 3\n")
    result = suite.runpytest(*PLUGIN)
    assert f"{suite.path / 'bad.am-test.yml'}:4: tests[0].alerts: expected a list" in result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED
