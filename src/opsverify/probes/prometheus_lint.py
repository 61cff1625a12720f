"""The rule linter (``opsverify rules lint``) as a check of a Prometheus entry's rule files (``lint: true``):
warning and error findings fail it, info findings are listed as details."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..inventory.prometheus import PrometheusEntry
from ..verdict import Verdict
from .prometheus_promtool import expand


@dataclass
class LintFacts:
    files: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # "file:line: severity id: message"
    failing: int = 0  # findings at warning or error
    error: str | None = None  # a rule file that does not load, as file:line: what


def gather(entry: PrometheusEntry, base_dir: Path) -> LintFacts:
    from ..rules.lint.checks import Options
    from ..rules.lint.cli import lint_groups
    from ..rules.model import Group, load_rule_file

    files = [p if Path(p).is_absolute() else str(base_dir / p) for p in expand(entry.rule_files, base_dir)]
    groups: list[Group] = []
    try:
        for path in files:
            groups += load_rule_file(path)
    except SourceError as exc:
        return LintFacts(files, error=str(exc))
    findings = lint_groups(groups, Options(severities=list(entry.severities)))
    failing = sum(1 for f in findings if f.severity != "info")
    return LintFacts(files, [f.text() for f in findings], failing)


def rules_lint_clean(entry: PrometheusEntry, facts: LintFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, f"rule file does not load: {facts.error}")
    if not facts.files:
        return Verdict.failed(entry.name, "lint: true but no rule_files to lint")
    if facts.failing:
        first = facts.findings[0]
        return Verdict.failed(
            entry.name,
            f"rules lint: {facts.failing} warning/error finding(s) in {len(facts.files)} file(s), expected none; first: {first}",
            facts.findings,
        )
    info = f", {len(facts.findings)} info" if facts.findings else ""
    return Verdict.passed(entry.name, f"rules lint: {len(facts.files)} file(s), no warning or error{info}")
