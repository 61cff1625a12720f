"""Lint findings, the check table (id, severity, what it catches) and per-rule disable comments."""

from __future__ import annotations

import re
from dataclasses import dataclass

# id -> (severity, one-line description). Severities: error (the rule is wrong), warning (likely an incident
# waiting to happen), info (convention).
CHECKS: dict[str, tuple[str, str]] = {
    "rule/duplicate": ("warning", "two rules with the same name and labels (promtool check rules: duplicate-rules)"),
    "alerts/for": ("warning", "alert without `for` on an expression that can flap for one evaluation"),
    "alerts/severity": ("warning", "alert without a `severity` label, or with one outside the allowed list"),
    "alerts/annotation": ("warning", "alert missing a required annotation (summary, description by default)"),
    "alerts/template-label": ("error", "template reads a label the expression's result cannot carry"),
    "promql/rate-range": ("warning", "rate/irate/increase/delta range shorter than 4x the scrape interval"),
    "promql/rate-gauge": ("warning", "rate/irate/increase over a name that does not look like a counter"),
    "promql/absent-regex": ("warning", "absent() over a selector with a regex matcher"),
    "promql/rate-eq-zero": ("warning", "rate/increase compared with == 0 (or != 0)"),
    "rule/record-name": ("info", "recording rule name not of the form level:metric:operations"),
}
_DISABLE = re.compile(r"#\s*opsverify-lint:\s*disable=([\w/,\s-]+)")


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    check: str
    message: str

    @property
    def severity(self) -> str:
        return CHECKS[self.check][0]

    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.severity} {self.check}: {self.message}"


def disabled_checks(lines: list[str], first: int, last: int) -> set[str]:
    """Check ids disabled for the rule spanning lines ``first..last`` (1-based): ``# opsverify-lint:
    disable=alerts/for,rule/record-name`` in the comment lines right above the rule or inside it."""
    start = first - 1
    while start - 1 >= 0 and lines[start - 1].strip().startswith("#"):
        start -= 1
    while last > first and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
        last -= 1  # comment lines right above the next rule belong to that rule
    found: set[str] = set()
    for text in lines[start:last]:
        m = _DISABLE.search(text)
        if m:
            found |= {part.strip() for part in m.group(1).split(",") if part.strip()}
    return found
