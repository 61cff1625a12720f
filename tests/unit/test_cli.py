"""The `opsverify` command's own wiring (the suites it runs are tested in tests/integration)."""

import pytest

from opsverify import __version__, cli


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"opsverify {__version__}"


def test_bad_inventory_exits_4_with_file_line(tmp_path, capsys):
    bad = tmp_path / "inv.yml"
    bad.write_text("version: 1\nhttp:\n  - name: a\n    url: http://127.0.0.1/\n    timeout: 3 seconds\n")
    assert cli.main(["inventory", "check", "-i", str(bad)]) == 4
    assert (
        capsys.readouterr().err
        == f"opsverify: {bad}:5: http[0].timeout: bad duration '3 seconds': expected e.g. 500ms, 5s, 1m30s, 24h, 7d\n"
    )


def test_an_unknown_suite_is_a_usage_error_before_anything_runs(capsys):
    assert cli.main(["run", "everything"]) == 4
    err = capsys.readouterr().err
    assert "opsverify run: unknown suite 'everything' (choose from smoke, readiness, alerts, all)" in err


def test_run_arguments_split_between_opsverify_and_pytest():
    from opsverify import suite

    args = suite.parse(["smoke", "-k", "lab-api", "-i", "inv.yml", "-x", "--fail-on=warning", "-m", "readiness"])
    assert (args.suite, args.inventory, args.fail_on) == ("smoke", "inv.yml", "warning")
    assert args.pytest_args == ["-k", "lab-api", "-x", "-m", "readiness"]
    args = suite.parse(["-n", "2", "--checks", "mine", "--", "-i", "kept"])
    assert (args.suite, args.checks, args.inventory) == ("all", ["mine"], None)
    assert args.pytest_args == ["-n", "2", "-i", "kept"]


def test_run_option_values_are_checked(capsys):
    assert cli.main(["run", "--fail-on", "loud"]) == 4
    assert "--fail-on: unknown severity 'loud'" in capsys.readouterr().err
    assert cli.main(["run", "-i"]) == 4
    assert "-i needs a value" in capsys.readouterr().err


def test_rules_test_follows_prometheus3_unless_asked_for_prometheus2(shared_dir, capsys):
    """etcd's corpus was written against promtool 2.x: one case relies on a sample exactly 5m old."""
    etcd = str(shared_dir / "rule-corpora" / "etcd" / "test.yaml")
    assert cli.main(["rules", "test", etcd]) == 1
    assert "alertname: etcdMembersDown, time: 24m" in capsys.readouterr().out
    assert cli.main(["rules", "test", "--prometheus2-lookback", etcd]) == 0


def test_promql_test_runs_a_users_file(tmp_path, capsys):
    golden = tmp_path / "mine.test"
    golden.write_text('load 1m\n  up{job="api"} 1 1 0\n\neval instant at 2m up == 0\n  up{job="api"} 0\n')
    assert cli.main(["promql", "test", str(golden)]) == 0
    golden.write_text('load 1m\n  up{job="api"} 1 1 0\n\neval instant at 2m up == 0\n  up{job="api"} 1\n')
    assert cli.main(["promql", "test", str(golden)]) == 1
    assert "1 failed" in capsys.readouterr().out


def test_run_stops_before_any_check_on_a_bad_rule_test_file(tmp_path, capsys):
    (tmp_path / "t.rules-test.yml").write_text("rule_files: [r.yml]\ntests:\n  - interval: 1m\n    input_series: 5\n")
    (tmp_path / "r.yml").write_text("groups: []\n")
    inv = tmp_path / "inventory.yml"
    inv.write_text("version: 1\nrules:\n  tests: ['*.rules-test.yml', 'nothing/*.yml']\n")
    assert cli.main(["run", "alerts", "-i", str(inv), "--report-dir", str(tmp_path / "reports")]) == 4
    err = capsys.readouterr().err
    assert f"opsverify: {inv}: rules.tests: 'nothing/*.yml' matches no file" in err
    assert f"opsverify: {tmp_path / 't.rules-test.yml'}:4: tests[0].input_series: expected a list" in err
    assert not (tmp_path / "reports").exists()  # no check ran


def test_promql_test_stops_on_a_malformed_file_with_file_line(tmp_path, capsys):
    bad = tmp_path / "bad.test"
    bad.write_text('load 1m\n  up{job="api"} 1 2y 3\n\neval instant at 1m up\n  up{job="api"} 2\n')
    assert cli.main(["promql", "test", str(bad)]) == 4
    captured = capsys.readouterr()
    assert captured.err == f"{bad}:2: bad series term '2y'\n"
    assert captured.out == ""  # nothing ran


@pytest.mark.parametrize(
    ("args", "addopts", "wanted"),
    [
        ([], "", False),
        (["-k", "api", "-x", "--no-header"], "", False),
        (["-n", "2"], "", True),
        (["-n4"], "", True),
        (["--numprocesses=auto"], "", True),
        (["--dist", "loadgroup"], "", True),
        (["-f"], "", True),
        ([], "-n 2", True),
    ],
)
def test_pytest_xdist_is_loaded_only_when_the_run_asks_for_it(args, addopts, wanted, monkeypatch, tmp_path):
    from opsverify import suite

    monkeypatch.setenv("PYTEST_ADDOPTS", addopts)
    inv = tmp_path / "inv.yml"
    inv.write_text("version: 1\n")
    command = suite.pytest_command(suite.parse(args), str(inv), [])
    assert ("no:xdist" not in command) is wanted
