"""promtool 3 parity, one tiny promtool-format file per feature (tests/unit/rules/parity/)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from opsverify import cli
from opsverify.rules.cli import main

PARITY = Path(__file__).parent / "parity"


def run(*names: str, **kwargs: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(PARITY / n) for n in names], out=out, **kwargs)
    return code, out.getvalue()


def test_start_timestamp_shifts_samples_evaluations_and_time() -> None:
    code, text = run("start_timestamp.test.yml")
    assert (code, text.splitlines()[1]) == (0, "  SUCCESS"), text


def test_bad_start_timestamp_names_the_line(tmp_path: Path) -> None:
    bad = (PARITY / "start_timestamp.test.yml").read_text().replace("1700000000\n", "yesterday\n", 1)
    (tmp_path / "start.rules.yml").write_text((PARITY / "start.rules.yml").read_text())
    (tmp_path / "t.yml").write_text(bad)
    out = io.StringIO()
    assert main([str(tmp_path / "t.yml")], out=out) == 4
    assert f'{tmp_path / "t.yml"}:6: start_timestamp: cannot parse "yesterday" to a valid timestamp' in out.getvalue()


def test_unknown_fields_in_rule_files_refused_unless_ignored() -> None:
    code, text = run("unknown_fields.test.yml")
    assert code == 4
    assert "unknown_fields.rules.yml:3: groups[0]: unknown key 'owner'" in text
    assert run("unknown_fields.test.yml", ignore_unknown_fields=True)[0] == 0


def test_plain_nan_in_a_float_field_is_refused() -> None:
    code, text = run("nan.test.yml")
    assert code == 4
    assert "nan.test.yml:10: tests[0].promql_expr_test[0].exp_samples[0].value: cannot unmarshal !!str `NaN`" in text


def test_run_given_twice_selects_either() -> None:
    assert run("run.test.yml", run=["alpha", "^b"])[0] == 0  # gamma (failing) is not run
    assert run("run.test.yml", run=["alpha", "gam"])[0] == 1
    assert run("run.test.yml", run="alpha")[0] == 0


def test_bad_run_regex_is_bad_input(capsys: Any) -> None:
    assert run("run.test.yml", run=["(a"])[0] == 4
    assert "--run: error parsing regexp: missing closing )" in capsys.readouterr().err


def test_diff_shows_expected_and_got_as_json() -> None:
    code, text = run("failing.test.yml", diff=True)
    assert code == 1
    assert "    alertname: Down, time: 2m, \n        diff: " in text
    red, reset = "\x1b[0;31m", "\x1b[0m"  # nothing fired: promtool diffs against one empty alert
    assert f'{red}"since": "0 at 120"{reset}\n' in text
    assert f'{red}"alertname": "Down"{reset},\n' in text
    assert "exp:" not in text


def test_jsondiff_layout() -> None:
    from opsverify.rules.jsondiff import compare

    got = compare({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"})
    assert got == '{\n    "a": "1",\n    "b": \x1b[0;33m"2" => "3"\x1b[0m,\n    \x1b[0;32m"c": "4"\x1b[0m\n}'
    assert compare([], []) == "[]"
    assert compare(["x"], []) == '[\n    \x1b[0;31m"x"\x1b[0m\n]'


def test_debug_shows_inputs_and_alert_states(capsys: Any) -> None:
    assert run("failing.test.yml", debug=True)[0] == 1
    err = capsys.readouterr().err
    assert "DEBUG: Starting test late\n" in err
    assert 'DEBUG:     up{job="api"}: 0s=1 1m=1 2m=0\n' in err
    assert 'DEBUG:     ALERTS{alertname="Down", job="api"}: 2m=pending  (pending since 2m)\n' in err
    assert "DEBUG: Test late finished, took " in err
    dump = 'DEBUG: Dump of all data (input_series and rules) at 2m1s:\n{__name__="ALERTS", alertname="Down", alertstate="pending", job="api"} =>\n1 @[120000]\n'
    assert dump in err
    assert '{__name__="up", job="api"} =>\n1 @[60000]\n0 @[120000]\n' in err  # left-open: the 0s sample is out


@pytest.mark.parametrize("flag", ["--diff", "--debug", "--ignore-unknown-fields"])
def test_promtool_flags_are_accepted_on_the_command_line(flag: str) -> None:
    assert cli.main(["rules", "test", flag, str(PARITY / "run.test.yml"), "--run", "alpha", "--run", "beta"]) == 0


def test_junit_carries_coverage(tmp_path: Path) -> None:
    junit = tmp_path / "r.xml"
    code, text = run("start_timestamp.test.yml", junit=str(junit), coverage=True)
    assert code == 0
    assert "TOTAL: 1/1 rules covered (100.0%)" in text
    prop = ET.parse(junit).getroot().find("testsuite/properties/property")
    assert prop is not None and prop.attrib == {"name": "rule_coverage", "value": "100.0"}


def test_template_functions_of_prometheus_3() -> None:
    code, text = run("templates.test.yml")
    assert (code, text.splitlines()[1]) == (0, "  SUCCESS"), text


def test_utf8_names_as_prometheus_3() -> None:
    code, text = run("utf8.test.yml")
    assert (code, text.splitlines()[1]) == (0, "  SUCCESS"), text


def test_subset_match_extension(tmp_path: Path) -> None:
    assert run("subset.test.yml")[0] == 0
    text = (PARITY / "subset.test.yml").read_text()
    (tmp_path / "subset.rules.yml").write_text((PARITY / "subset.rules.yml").read_text())
    for broken in (text.replace("{instance: b}", "{instance: a}"), text.replace("summary: a down", "summary: b down")):
        (tmp_path / "t.yml").write_text(broken)
        assert main([str(tmp_path / "t.yml")], out=io.StringIO()) == 1  # both must match distinct alerts
    (tmp_path / "t.yml").write_text(text.replace("    exp_labels_match: subset", "    exp_labels_match: partial", 1))
    out = io.StringIO()
    assert main([str(tmp_path / "t.yml")], out=out) == 4
    assert "exp_labels_match: 'partial' is not one of 'exact', 'subset'" in out.getvalue()


def test_go_regex_semantics_agree_with_promtool() -> None:
    from rules_peers import run_promtool

    assert run("re2.test.yml")[0] == 0
    peer = run_promtool("test", "rules", str(PARITY / "re2.test.yml"))
    assert peer.returncode == 0, peer.stdout + peer.stderr
