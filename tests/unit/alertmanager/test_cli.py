"""``opsverify alertmanager test|routes|render`` through the real CLI entry point: exit codes and output."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from opsverify.cli import main

CONFIG = """
route:
  receiver: ops-email
  routes:
    - {matchers: [team=db], receiver: db-pager}
receivers:
  - name: ops-email
  - name: db-pager
    telegram_configs: [{bot_token: x, chat_id: 1, message: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.team }}'}]
"""


@pytest.fixture
def files(tmp_path: Path):
    (tmp_path / "am.yml").write_text(CONFIG)

    def write(text: str, name: str = "t.am-test.yml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return str(path)

    return write


PASSING = """
config: am.yml
tests:
  - name: db
    alerts:
      - labels: {alertname: DBDown, team: db}
        expected_receivers: [db-pager]
        expected_notification: {telegram: {message: {equals: DBDown on db}}}
"""
FAILING = """
config: am.yml
tests:
  - name: db
    alerts:
      - labels: {alertname: DBDown, severity: warning}
        expected_receivers: [db-pager]
"""


def test_passing_file_exits_0(files, capsys) -> None:
    assert main(["alertmanager", "test", files(PASSING)]) == 0
    assert capsys.readouterr().out.strip() == "1 passed, 0 failed"


def test_failure_is_one_line_then_a_diff_and_exit_1(files, capsys) -> None:
    path = files(FAILING)
    assert main(["alertmanager", "test", path]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"FAIL {path}::db::DBDown ({path}:6)"
    assert out[1] == "  DBDown{severity=warning}: routed to [ops-email], expected [db-pager]; path: root"
    assert out[2:4] == ["    - db-pager", "    + ops-email"]


def test_json_and_junit(files, capsys, tmp_path: Path) -> None:
    junit = tmp_path / "out" / "junit.xml"
    assert (
        main(["alertmanager", "test", files(FAILING), files(PASSING, "p.am-test.yml"), "--json", "--junit", str(junit)])
        == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"passed": 1, "failed": 1}
    failed = next(r for r in data["results"] if not r["passed"])
    assert failed["failures"][0]["diff"] == ["  - db-pager", "  + ops-email"]
    assert failed["observed"]["receivers"] == ["ops-email"] and failed["observed"]["paths"] == ["root"]
    assert failed["observed"]["notified"] == ["ops-email"] and failed["observed"]["inhibited_by"] == []
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("failures") for s in suites] == ["1", "0"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "config: am.yml\ntests:\n  - name: x\n    alerts:\n      - labels: {a: b}\n        expected_recievers: [x]\n",
            ":6: tests[0].alerts[0]: unknown key 'expected_recievers' (did you mean 'expected_receivers'?)",
        ),
        (
            "config: am.yml\ntests:\n  - name: x\n    at: tomorrow\n    alerts: [{labels: {a: b}}]\n",
            ":4: tests[0].at: expected an RFC 3339 time",
        ),
        ("config: nope.yml\ntests: []\n", ":1: config: "),
        (
            "config: am.yml\ntests:\n  - name: x\n    alerts:\n      - {labels: {a: b}, from_rule_test: 'x::y'}\n",
            ":5: tests[0].alerts[0]: give labels or from_rule_test",
        ),
        ("config: am.yml\ntests: [\n", ":3: invalid YAML"),
    ],
)
def test_malformed_file_is_file_line_and_exit_4(files, capsys, text: str, where: str) -> None:
    path = files(text)
    assert main(["alertmanager", "test", path]) == 4
    err = capsys.readouterr().err
    assert err.startswith(f"opsverify: {path}{where}"), err
    assert "Traceback" not in err


def test_bad_config_is_exit_4(files, capsys, tmp_path: Path) -> None:
    (tmp_path / "am.yml").write_text("route: {receiver: nobody}\nreceivers: [{name: a}]\n")
    assert main(["alertmanager", "test", files(PASSING)]) == 4
    assert capsys.readouterr().err.startswith(f"opsverify: {tmp_path / 'am.yml'}:1: undefined receiver")


def test_routes_prints_receivers_and_paths(files, capsys, tmp_path: Path) -> None:
    assert main(["alertmanager", "routes", "--config", str(tmp_path / "am.yml"), "team=db", "alertname=X"]) == 0
    assert capsys.readouterr().out.splitlines() == ["db-pager", "  db-pager: root -> team=db"]


def test_routes_json_has_the_inherited_options(tmp_path: Path, capsys) -> None:
    (tmp_path / "am.yml").write_text(CONFIG)
    assert main(["alertmanager", "routes", "--config", str(tmp_path / "am.yml"), "team=db", "--json"]) == 0
    (route,) = json.loads(capsys.readouterr().out)
    assert route == {
        "receiver": "db-pager",
        "route": 1,
        "path": "root -> team=db",
        "group_by": [],
        "group_wait": 30.0,
        "group_interval": 300.0,
        "repeat_interval": 14400.0,
        "continue": False,
        "muted_by": [],
    }


def test_render_prints_the_notification(files, capsys, tmp_path: Path) -> None:
    assert main(["alertmanager", "render", "--config", str(tmp_path / "am.yml"), "team=db", "alertname=DBDown"]) == 0
    assert capsys.readouterr().out == "DBDown on db\n"
    assert (
        main(["alertmanager", "render", "--config", str(tmp_path / "am.yml"), "team=db", "--integration", "slack"]) == 4
    )
    assert "has no slack_configs[0]" in capsys.readouterr().err


def test_bad_labels_argument_is_exit_4(tmp_path: Path, capsys) -> None:
    (tmp_path / "am.yml").write_text(CONFIG)
    assert main(["alertmanager", "routes", "--config", str(tmp_path / "am.yml"), "team=~db"]) == 4
    assert "a label is name=value" in capsys.readouterr().err


PR_5175 = """
tests:
  - name: "critical suppresses warning"
    alerts:
      - labels: {alertname: SomeAlert, severity: critical, team: db}
        expected_receivers: [db-pager]
      - labels: {alertname: SomeAlert, severity: warning}
        expected_inhibited: true
"""


def test_pr_5175_files_run_with_config_given_on_the_command_line(files, capsys, tmp_path: Path) -> None:
    config = tmp_path / "inhibit.yml"
    config.write_text(
        CONFIG + "inhibit_rules:\n  - {source_matchers: [severity=critical], target_matchers: [severity=warning]}\n"
    )
    path = files(PR_5175)
    assert main(["alertmanager", "test", path, "--config", str(config)]) == 0
    assert main(["alertmanager", "test", path]) == 4
    assert capsys.readouterr().err.endswith(
        f"opsverify: {path}:1: no config: name the Alertmanager config with `config:` or --config\n"
    )


def test_external_url_of_the_test_file_reaches_templates(files, tmp_path: Path, capsys) -> None:
    (tmp_path / "am.yml").write_text(CONFIG.replace("{{ .CommonLabels.alertname }} on", "{{ .ExternalURL }} on"))
    text = PASSING.replace("config: am.yml", "config: am.yml\nexternal_url: https://am.example.invalid")
    text = text.replace("equals: DBDown on db", "equals: https://am.example.invalid on db")
    assert main(["alertmanager", "test", files(text)]) == 0, capsys.readouterr().out


def test_invalid_files_lists_every_problem_before_a_run(files) -> None:
    from opsverify.alertmanager.runner import invalid_files

    good = files(PASSING, "good.am-test.yml")
    bad = files("config: am.yml\ntests: 3\n", "bad.am-test.yml")
    missing = files("config: nope.yml\ntests: []\n", "missing.am-test.yml")
    assert invalid_files([good]) == []
    problems = invalid_files([good, bad, missing])
    assert [p.split(": ", 1)[0].rsplit("/", 1)[-1] for p in problems] == ["bad.am-test.yml:2", "missing.am-test.yml:1"]


def test_a_notification_that_is_not_sent_fails_with_the_reason(files, tmp_path: Path, capsys) -> None:
    (tmp_path / "am.yml").write_text(
        CONFIG.replace("receiver: db-pager}", "receiver: db-pager, mute_time_intervals: [always]}")
        + "time_intervals: [{name: always, time_intervals: [{years: ['2000:2100']}]}]\n"
    )
    assert main(["alertmanager", "test", files(PASSING)]) == 1
    assert (
        "DBDown{team=db}: telegram on db-pager: no notification is sent: route #1 is muted by always"
        in capsys.readouterr().out
    )


def test_expected_group_labels(files, capsys) -> None:
    text = PASSING.replace(
        "expected_receivers: [db-pager]", "expected_receivers: [db-pager]\n        expected_group_labels: {team: db}"
    )
    assert main(["alertmanager", "test", files(text)]) == 1  # the route groups by nothing: the group key is {}
    out = capsys.readouterr().out
    assert "DBDown{team=db}: in group {} (first route), expected {team=db}; path: root -> team=db" in out
