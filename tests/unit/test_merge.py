"""opsverify report merge: shards' JUnit files -> one JUnit, one HTML page, the summary, the same exit-code rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from opsverify import cli, merge


def case(name, severity="critical", failed=None, waived=None, kind="containers"):
    props = (
        ""
        if severity is None
        else (
            f'<properties><property name="target" value="{name}"/><property name="severity" value="{severity}"/>'
            f'<property name="kind" value="{kind}"/></properties>'
        )
    )
    body = f'<failure message="{failed}">trace</failure>' if failed else ""
    body += f'<skipped type="pytest.xfail" message="{waived}"/>' if waived else ""
    return f'<testcase classname="checks.test_containers" name="test_x[{name}]" time="0.1">{props}{body}</testcase>'


def shard(tmp_path, name, *cases):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "junit.xml").write_text(
        f'<testsuites><testsuite name="opsverify">{"".join(cases)}</testsuite></testsuites>'
    )
    return str(folder)


def test_merge_keeps_every_case_and_judges_the_whole(tmp_path, capsys):
    one = shard(tmp_path, "s1", case("web1/app"), case("web1/redis", "warning", failed="web1/redis: status is x"))
    two = shard(tmp_path, "s2", case("web2/app", waived="waived: until 2099-01-01"), case("web2/db"))
    code = cli.main(["report", "merge", one, two, "--out", str(tmp_path / "out")])
    assert code == 1
    out = capsys.readouterr().out
    assert "opsverify: FAIL: 2 passed, 1 failed (by severity: warning 1); 1 at or above --fail-on info" in out
    suite = ET.parse(tmp_path / "out" / "junit.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    page = (tmp_path / "out" / "report.html").read_text()
    assert "web1/redis: status is x" in page and "merged from 2 shard(s)" in page


def test_the_same_gate_as_a_run(tmp_path):
    below = shard(tmp_path, "s1", case("a", "warning", failed="a: bad"), case("b"))
    assert merge.main([below], str(tmp_path / "o1"), fail_on="critical") == 0
    other = shard(tmp_path, "s2", case("plain", severity=None, failed="boom"))
    assert merge.main([below, other], str(tmp_path / "o2"), fail_on="critical") == 1  # not a check: always fails
    empty = shard(tmp_path, "s3")
    assert merge.main([empty], str(tmp_path / "o3")) == 5


def test_a_shard_without_a_report_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["report", "merge", str(tmp_path / "missing")]) == 4
    assert "no junit.xml (did this shard run with --report-dir" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["<testsuites", "not xml"])
def test_an_unreadable_report_is_named(tmp_path, text):
    (tmp_path / "junit.xml").write_text(text)
    with pytest.raises(merge.MergeError, match="not JUnit XML"):
        merge.read([str(tmp_path)])


def shard_with_results(tmp_path, name, checks, fail_on="warning"):
    """A shard as issue 12's reports leave it: a JUnit file without properties, and results.json."""
    import json

    from opsverify.report.results import CheckResult, RunResult

    folder = tmp_path / name
    folder.mkdir()
    cases = "".join(
        f'<testcase classname="c" name="{i}">'
        + (f'<failure message="[{s}] x"/>' if o == "failed" else "")
        + "</testcase>"
        for i, s, o in checks
    )
    (folder / "junit.xml").write_text(f"<testsuites><testsuite>{cases}</testsuite></testsuites>")
    results = [CheckResult(i, f"t.py::{i}", i, "hosts", s, o, "x: down" if o == "failed" else "") for i, s, o in checks]
    run = RunResult(
        name,
        "2026-12-01T10:00:00+00:00",
        "2026-12-01T10:01:00+00:00",
        "inv.yml",
        "fleet",
        None,
        fail_on,
        "PASS",
        0,
        results,
        {},
    )
    (folder / "results.json").write_text(json.dumps(run.to_dict()))
    return str(folder)


def test_shards_with_results_json_merge_into_one_readiness_page(tmp_path, capsys):
    one = shard_with_results(
        tmp_path, "s1", [("test_a[web1]", "critical", "passed"), ("test_b[web1]", "info", "failed")]
    )
    two = shard_with_results(tmp_path, "s2", [("test_a[web2]", "critical", "failed")])
    out = tmp_path / "out"
    assert merge.main([one, two], str(out)) == 1  # the shards' own --fail-on (warning): web2's critical blocks
    import json

    results = json.loads((out / "results.json").read_text())
    assert [(c["id"], c["outcome"]) for c in results["checks"]] == [
        ("test_a[web1]", "passed"),
        ("test_b[web1]", "failed"),
        ("test_a[web2]", "failed"),
    ]
    assert (results["verdict"], results["blocking"], results["fail_on"]) == ("FAIL", 1, "warning")
    assert (out / "readiness.html").is_file() and (out / "summary.md").is_file()
    assert "1 at or above --fail-on warning" in capsys.readouterr().out
    below = shard_with_results(tmp_path, "s3", [("test_c[web3]", "info", "failed")])
    assert merge.main([below], str(tmp_path / "out2")) == 0  # below the gate, as in the run itself
    plain = shard(tmp_path, "s4", case("plain", severity=None, failed="boom"))
    assert merge.main([below, plain], str(tmp_path / "out3")) == 1  # a shard without results.json: JUnit judges
