"""The shared rule corpora (thanos, etcd) as promtool runs them, and a copy with one `for` changed."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from rules_peers import run_promtool, shared_dir

from opsverify.rules.cli import main
from opsverify.rules.runner import load_runner
from opsverify.rules.session import PROMETHEUS2_LOOKBACK_MS

FILES = ["thanos/tests.yaml", "etcd/test.yaml"]


def corpora() -> Path:
    return shared_dir() / "rule-corpora"


def test_promtool_passes_the_corpora() -> None:
    result = run_promtool("test", "rules", *FILES, cwd=corpora())
    assert result.returncode == 0, result.stdout + result.stderr


def test_ours_passes_the_corpora_with_promtool_2_lookback() -> None:
    out = io.StringIO()
    paths = [str(corpora() / f) for f in FILES]
    assert main(paths, out=out, lookback_ms=PROMETHEUS2_LOOKBACK_MS) == 0, out.getvalue()
    assert out.getvalue().count("  SUCCESS") == 2


def test_prometheus3_semantics_differ_only_on_the_lookback_boundary_case() -> None:
    """etcd group 1 evaluates at 24m a series whose last sample is at 19m: exactly 5m old, which Prometheus 3's
    left-open lookback excludes and promtool 2.42 includes. Everything else passes under Prometheus 3 rules."""
    out = io.StringIO()
    assert main([str(corpora() / FILES[0])], out=out) == 0, out.getvalue()
    runner = load_runner(corpora() / FILES[1])
    failing = []
    for index in range(len(runner.file.tests)):
        result = runner.run_group(index)
        failing += [(index, c.name, c.eval_ms) for c in result.cases if c.passed is False]
    assert failing == [(1, "etcdMembersDown", 24 * 60_000)]
    series = runner.file.tests[1].input_series[0].values.split()
    assert (len(series) - 1) * 60_000 == 24 * 60_000 - 300_000  # the last sample sits exactly on the boundary


def test_changed_for_fails_naming_the_alert(tmp_path: Path) -> None:
    copy = tmp_path / "thanos"
    shutil.copytree(corpora() / "thanos", copy)
    alerts = copy / "alerts.yaml"
    text = alerts.read_text()
    block = re.search(r"- alert: ThanosSidecarNoConnectionToStartedPrometheus\n(?:.*\n)*?    for: 5m\n", text)
    assert block is not None
    alerts.write_text(text.replace(block.group(0), block.group(0).replace("for: 5m", "for: 15m")))
    out = io.StringIO()
    assert main([str(copy / "tests.yaml")], out=out, lookback_ms=PROMETHEUS2_LOOKBACK_MS) == 1
    report = out.getvalue()
    assert "alertname: ThanosSidecarNoConnectionToStartedPrometheus, time: 10m" in report
    assert "got:[]" in report
    peer = run_promtool("test", "rules", str(copy / "tests.yaml"))
    assert peer.returncode == 1 and "ThanosSidecarNoConnectionToStartedPrometheus, time: 10m" in peer.stderr


def test_corpora_take_the_range_path() -> None:
    """No corpus rule reads a later rule, so every rule is evaluated with one range query per test group."""
    for name in FILES:
        runner = load_runner(corpora() / name)
        total = sum(len(g.rules) for g in runner.groups)
        outcomes = [runner.run_group(i).outcome for i in range(len(runner.file.tests))]
        assert [o.range_rules if o else None for o in outcomes] == [total] * len(outcomes), name
