"""``opsverify rules lint FILE...``: one ``file:line: severity id: message`` line per problem; exit 0 when only
info findings (or none), 1 on a warning or error, 4 when a rule file is invalid (``file:line: what``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from opsverify.errors import SourceError

from ..model import Group, Rule, load_rule_file
from .checks import PER_RULE, Options
from .findings import CHECKS, Finding, disabled_checks

EXIT_FINDINGS, EXIT_BAD_FILE = 1, 4


def lint_groups(groups: list[Group], opts: Options, disabled: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Findings for already loaded groups (all files of one run: duplicates are looked for across them)."""
    texts: dict[str, list[str]] = {}
    found: list[Finding] = []
    for group in groups:
        lines = texts.setdefault(group.file, Path(group.file).read_text(encoding="utf-8").splitlines())
        for i, rule in enumerate(group.rules):
            last = group.rules[i + 1].line - 1 if i + 1 < len(group.rules) else _group_end(groups, group, lines)
            off = disabled | disabled_checks(lines, rule.line, last)
            for check in PER_RULE:
                found += [Finding(group.file, ln, cid, msg) for ln, cid, msg in check(rule, opts) if cid not in off]
            found += [f for f in _duplicate(rule, group, groups) if f.check not in off]
    return sorted(set(found))


def _group_end(groups: list[Group], group: Group, lines: list[str]) -> int:
    later = [
        g.rules[0].line - 1
        for g in groups
        if g.file == group.file and g.rules and g.rules[0].line > group.rules[-1].line
    ]
    return min(later, default=len(lines))


def _duplicate(rule: Rule, group: Group, groups: list[Group]) -> list[Finding]:
    """promtool check rules' duplicate-rules: an earlier rule with the same kind, name and labels."""
    key = (rule.kind, rule.name, tuple(sorted(rule.labels.items())))
    for g in groups:
        for other in g.rules:
            if other is rule:
                return []
            if (other.kind, other.name, tuple(sorted(other.labels.items()))) == key:
                where = f"{other.file}:{other.line}"
                return [
                    Finding(
                        group.file,
                        rule.line,
                        "rule/duplicate",
                        f"{rule.kind} {rule.name} duplicates {where} (same name and labels)",
                    )
                ]
    return []


def lint_main(
    paths: list[str],
    *,
    disabled: set[str],
    severities: list[str] | None = None,
    annotations: list[str] | None = None,
    scrape_interval_ms: int = 60_000,
    out: TextIO | None = None,
) -> int:
    out = out if out is not None else sys.stdout
    unknown = sorted(disabled - set(CHECKS))
    if unknown:
        print(
            f"opsverify rules lint: unknown check id(s): {', '.join(unknown)} (known: {', '.join(CHECKS)})",
            file=sys.stderr,
        )
        return EXIT_BAD_FILE  # bad input, as opsverify's other commands
    opts = Options(scrape_interval_ms=scrape_interval_ms)
    if severities is not None:
        opts.severities = severities
    if annotations is not None:
        opts.annotations = annotations
    groups: list[Group] = []
    bad = False
    for path in paths:
        try:
            groups += load_rule_file(path)
        except SourceError as exc:
            print(str(exc), file=sys.stderr)
            bad = True
    findings = lint_groups(groups, opts, disabled)
    for f in findings:
        print(f.text(), file=out)
    failing = [f for f in findings if f.severity != "info"]
    print(f"{len(findings)} finding(s): {len(failing)} warning/error, {len(findings) - len(failing)} info", file=out)
    return EXIT_BAD_FILE if bad else EXIT_FINDINGS if failing else 0
