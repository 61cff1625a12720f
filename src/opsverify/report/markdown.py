"""``summary.md``: the run in Markdown for GitHub/GitLab step summaries (``cat reports/summary.md >>
"$GITHUB_STEP_SUMMARY"``): verdict, root causes, new failures, still failing, fixed, a table by severity.

Every target-supplied text is escaped for Markdown *and* HTML (GitHub renders inline HTML in summaries)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from .results import CheckResult, RunResult

LIMIT = 50  # items per list; the rest are counted
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # list markers and headings only count at a line's start


def md(text: str) -> str:
    """Inert Markdown: one line, HTML-escaped, Markdown punctuation backslash-escaped."""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") + " UTC" if iso else "?"


def _item(c: CheckResult, since: bool = False) -> str:
    extra = f" (failing since {_when(c.first_failed_at)})" if since else ""
    reason = c.reason or c.measured
    return f"- **{c.severity}** {md(c.id)}: {md(reason)}{extra}"


def _folded(run: RunResult, checks: list[CheckResult], since: bool = False) -> list[str]:
    """One line per root cause (naming its checks), then the other checks one per line."""
    roots, rest = run.fold(checks)
    lines = []
    for root, under in roots:
        ids = ", ".join(md(c.id) for c in under[:8]) + (f", … {len(under) - 8} more" if len(under) > 8 else "")
        lines.append(f"- **{root.severity}** {md(root.line)} ({len(under)} checks: {ids})")
    return lines + [_item(c, since) for c in rest]


def _limited(lines: list[str]) -> list[str]:
    if len(lines) <= LIMIT:
        return lines
    return [*lines[:LIMIT], f"- … and {len(lines) - LIMIT} more (see the readiness report)"]


def render(run: RunResult, report_link: str = "readiness.html") -> str:
    icon = "✅" if run.verdict == "PASS" else "❌"
    failed = len(run.failures())
    passed = sum(1 for c in run.checks if c.outcome == "passed")
    waived = sum(1 for c in run.checks if c.outcome == "waived")
    env = f" ({md(run.environment)})" if run.environment else ""
    out = [
        f"## {icon} opsverify readiness: {run.verdict} at --fail-on {run.fail_on}",
        "",
        f"**{md(run.name)}**{env} · {_when(run.started_at)} · {len(run.checks)} checks: {passed} passed, "
        f"{failed} failed ({run.blocking} at or above --fail-on), {waived} waived",
        "",
        "| severity | failed | passed | waived | skipped |",
        "|---|---:|---:|---:|---:|",
    ]
    for severity, n in run.counts.items():
        out.append(f"| {severity} | {n['failed']} | {n['passed']} | {n['waived']} | {n['skipped']} |")
    if run.root_causes:
        out += ["", f"### Root causes ({len(run.root_causes)})"]
        out += _limited([f"- **{r.severity}** {md(r.line)} ({r.dependents} dependent checks)" for r in run.root_causes])
    history = run.history is not None
    new = run.new_failures() if history else run.failures()
    out += ["", f"### {'New since the last run' if history else 'Failures'} ({len(new)})"]
    out += _limited(_folded(run, new)) or ["- none"]
    if history:
        still = run.still_failing()
        out += ["", f"### Still failing ({len(still)})"]
        out += _limited(_folded(run, still, since=True)) or ["- none"]
        out += ["", f"### Fixed since the last run ({len(run.fixed)})"]
        out += _limited([f"- **{f.severity}** {md(f.id)}" for f in run.fixed]) or ["- none"]
    soon = [w for w in run.waivers if 0 <= w.days_left <= 14] + [
        a for a in run.attestations if a.days_left is not None and 0 <= a.days_left <= 14
    ]
    if soon:
        out += ["", "### Expiring within 14 days"]
        for x in soon:
            label = f"waiver {md(x.check)}" if hasattr(x, "check") else f"attestation {md(getattr(x, 'name', ''))}"
            out.append(f"- {label}: {x.days_left} days left")
    out += ["", f"Full report: [{md(report_link)}]({report_link.replace(')', '%29').replace(' ', '%20')})", ""]
    return "\n".join(out)


def write(run: RunResult, path: Path, report_link: str = "readiness.html") -> Path:
    path.write_text(render(run, report_link), encoding="utf-8")
    return path
