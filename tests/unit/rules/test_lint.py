"""``opsverify rules lint``: every planted problem of fixtures/rules/lint-bad.rules.yml with its id and line, nothing
else; on the example rules and the shared corpora, only the findings justified below."""

from __future__ import annotations

import io
import re
from pathlib import Path

import promql_parser
import pytest
from rules_peers import shared_dir

from opsverify.rules.lint.checks import Options
from opsverify.rules.lint.cli import lint_groups, lint_main
from opsverify.rules.lint.labelflow import result_labels
from opsverify.rules.model import load_rule_file

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "rules"
BAD = FIXTURES / "lint-bad.rules.yml"


def findings(*paths: Path, **opts: object) -> set[tuple[str, int, str]]:
    groups = [g for p in paths for g in load_rule_file(p)]
    return {(Path(f.file).name, f.line, f.check) for f in lint_groups(groups, Options(**opts))}  # type: ignore[arg-type]


def planted() -> set[tuple[str, int, str]]:
    out = set()
    for n, line in enumerate(BAD.read_text().splitlines(), 1):
        m = re.search(r"# lint: ([\w/, -]+)$", line)
        if m:
            out |= {(BAD.name, n, cid.strip()) for cid in m.group(1).split(",")}
    return out


def test_finds_every_planted_problem_and_nothing_else() -> None:
    expected = planted()
    assert len(expected) == 15
    assert findings(BAD) == expected


def test_disable_comment_silences_only_the_named_checks(tmp_path: Path) -> None:
    text = BAD.read_text().replace("# opsverify-lint: disable=alerts/for,alerts/annotation", "# (enabled)")
    (tmp_path / BAD.name).write_text(text)
    extra = findings(tmp_path / BAD.name) - planted()
    line = text.splitlines().index("      - alert: Disabled") + 1
    assert extra == {(BAD.name, line + 1, "alerts/for"), (BAD.name, line, "alerts/annotation")}


def test_example_rules_are_clean() -> None:
    assert findings(FIXTURES / "stack-alerts.yml") == set()


def test_shared_corpora_only_justified_findings() -> None:
    corpora = shared_dir() / "rule-corpora"
    thanos_records = {
        ("rules.yaml", line, "rule/record-name")
        for line in (10, 17, 24, 31, 38, 47, 54, 61, 68, 75, 82, 89, 98, 105, 112, 119)
    }
    justified = thanos_records | {
        # rate(...[120s]) is under 4 x the default 1m scrape interval; the etcd mixin assumes 30s (see below).
        ("etcd-prometheusRules.yaml", 9, "promql/rate-range"),
        # `or 0*absent(x{job=~".*etcd.*"})`: that branch has no job label, the description prints $labels.job.
        ("etcd-prometheusRules.yaml", 45, "promql/absent-regex"),
        # ThanosReceiveNoUpload: increase(...[3h]) == 0; exact for an unchanged counter, kept for a person to judge.
        ("alerts.yaml", 270, "promql/rate-eq-zero"),
    }
    paths = [
        corpora / "etcd/manifests/etcd-prometheusRules.yaml",
        corpora / "thanos/alerts.yaml",
        corpora / "thanos/rules.yaml",
    ]
    assert findings(*paths) == justified
    assert findings(*paths, scrape_interval_ms=30_000) == justified - {
        ("etcd-prometheusRules.yaml", 9, "promql/rate-range")
    }


def test_cli_prints_file_line_severity_id_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert lint_main([str(BAD)], disabled=set(), out=out) == 1
    lines = out.getvalue().splitlines()
    assert (
        f"{BAD}:15: warning alerts/for: alert NoFor has no `for`: one evaluation over the threshold fires it" in lines
    )
    assert lines[-1] == "15 finding(s): 13 warning/error, 2 info"
    only_info = io.StringIO()
    everything_but_info = {
        "alerts/for",
        "alerts/severity",
        "alerts/annotation",
        "alerts/template-label",
        "rule/duplicate",
    }
    everything_but_info |= {"promql/rate-range", "promql/rate-gauge", "promql/absent-regex", "promql/rate-eq-zero"}
    assert lint_main([str(BAD)], disabled=everything_but_info, out=only_info) == 0


def test_bad_rule_file_is_file_line_and_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "r.yml"
    bad.write_text("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(up\n")
    assert lint_main([str(bad)], disabled=set(), out=io.StringIO()) == 4
    assert capsys.readouterr().err.startswith(f"{bad}:5: groups[0].rules[0].expr: could not parse expression")


@pytest.mark.parametrize(
    ("expr", "can", "cannot"),
    [
        ("sum by (a) (x)", ["a"], ["b"]),
        ("sum without (a) (x)", ["b"], ["a"]),
        ("x > on (a) y", ["a"], ["b"]),
        ("x > ignoring (a) y", ["b"], ["a"]),
        ("x * on (a) group_left (c) y", ["b", "c"], []),
        ("sum by (a) (x) * on (a) group_right sum by (a, b) (y)", ["a", "b"], ["c"]),
        ('label_replace(sum by (a) (x), "d", "$1", "a", "(.*)")', ["a", "d"], ["b"]),
        ('absent(x{a="1", b=~"2"})', ["a"], ["b"]),
        ("histogram_quantile(0.9, sum by (le, a) (rate(x[5m])))", ["a"], ["le"]),
        ("sum by (a) (x) or sum by (b) (y)", ["a", "b"], ["c"]),
        ('count_values("v", sum by (a) (x))', ["v"], ["a"]),
        ('count_values by (a) ("v", x)', ["a", "v"], ["b"]),
        ("vector(1)", [], ["a"]),
    ],
)
def test_label_flow(expr: str, can: list[str], cannot: list[str]) -> None:
    labels = result_labels(promql_parser.parse(expr))
    assert all(labels.can_have(n) for n in can), labels
    assert not any(labels.can_have(n) for n in cannot), labels


def test_command_line_options(capsys: pytest.CaptureFixture[str]) -> None:
    from opsverify import cli

    args = ["rules", "lint", str(BAD), "--disable", "alerts/for,rule/duplicate", "--scrape-interval", "5s"]
    assert cli.main([*args, "--severities", "page,critical,warning,info"]) == 1
    out = capsys.readouterr().out
    assert "alerts/for" not in out and "rule/duplicate" not in out and "promql/rate-range" not in out
    assert "severity 'page'" not in out and "alert NoSeverity has no severity label" in out
    assert cli.main(["rules", "lint", str(BAD), "--disable", "alerts/nope"]) == 4
    assert "unknown check id(s): alerts/nope" in capsys.readouterr().err
