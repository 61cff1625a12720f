"""``rules test --coverage``: which alerting rules no ``alert_rule_test`` expects firing, and which recording rules
no ``promql_expr_test`` expression reads, per rule file and group, over all the test files of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from opsverify.errors import SourceError

from .deps import parse_expr, referenced_names
from .runner import TestFileRunner, load_runner


@dataclass
class GroupCoverage:
    file: str
    group: str
    alerts: list[tuple[str, bool]] = field(default_factory=list)  # (name, covered)
    records: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [f"alert {n}" for n, ok in self.alerts if not ok] + [f"record {n}" for n, ok in self.records if not ok]


def _tested(runners: list[TestFileRunner]) -> tuple[set[str], set[str] | None]:
    """Alert names some case expects firing; metric names expression cases read (None: a selector reads any)."""
    firing: set[str] = set()
    read: set[str] | None = set()
    for runner in runners:
        for tg in runner.file.tests:
            firing |= {c.alertname for c in tg.alert_rule_test if c.exp_alerts}
            for case in tg.promql_expr_test:
                try:
                    names = referenced_names(parse_expr(case.expr))
                except ValueError:
                    continue
                read = None if read is None or names is None else read | names
    return firing, read


def measure(runners: list[TestFileRunner]) -> list[GroupCoverage]:
    firing, read = _tested(runners)
    table: dict[tuple[str, str], GroupCoverage] = {}
    for runner in runners:
        for g in runner.groups:
            row = table.setdefault((g.file, g.name), GroupCoverage(g.file, g.name))
            if row.alerts or row.records:
                continue  # the same rule file named by several test files
            for r in g.rules:
                if r.kind == "alert":
                    row.alerts.append((r.name, r.name in firing))
                else:
                    row.records.append((r.name, read is None or r.name in read))
    return list(table.values())


def percent(rows: list[GroupCoverage]) -> float:
    total = sum(len(r.alerts) + len(r.records) for r in rows)
    covered = sum(ok for r in rows for _, ok in [*r.alerts, *r.records])
    return 100.0 * covered / total if total else 100.0


def coverage_report(paths: list[str], out: TextIO, ignore_unknown_fields: bool = False) -> float:
    """Print the coverage table of the loadable test files; return the covered percentage."""
    runners = []
    for path in paths:
        try:
            runners.append(load_runner(path, ignore_unknown_fields=ignore_unknown_fields))
        except SourceError:
            continue  # already reported as a failed file
    rows = measure(runners)
    print("Rule coverage:", file=out)
    for r in rows:
        alerts = f"{sum(ok for _, ok in r.alerts)}/{len(r.alerts)}"
        records = f"{sum(ok for _, ok in r.records)}/{len(r.records)}"
        missing = ", ".join(r.missing) or "-"
        print(f"  {r.file}  group {r.group}:  alerts {alerts}  records {records}  not covered: {missing}", file=out)
    total = sum(len(r.alerts) + len(r.records) for r in rows)
    covered = sum(ok for r in rows for _, ok in [*r.alerts, *r.records])
    value = percent(rows)
    print(f"TOTAL: {covered}/{total} rules covered ({value:.1f}%)\n", file=out)
    return value
