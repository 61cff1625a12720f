"""On-call coverage of an Alertmanager entry (``coverage:``): for every severity its alert rules use, walk a week
in 15-minute slots through routes, time intervals and receivers (:mod:`opsverify.alertmanager.coverage`), and
fail with the slots in which nobody is notified."""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..inventory.alertmanager import AlertmanagerEntry
from ..verdict import Verdict, shorten


@dataclass
class CoverageFacts:
    rule_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per uncovered range
    error: str | None = None  # the config or a rule file could not be read


def gather(entry: AlertmanagerEntry, rule_globs: list[str], base_dir: Path, timeout: float) -> CoverageFacts:
    from ..alertmanager.inventory_check import coverage_problems

    assert entry.coverage is not None
    files = sorted({p for g in rule_globs for p in glob.glob(str(base_dir / g) if not Path(g).is_absolute() else g)})
    if not files:
        return CoverageFacts(error=f"no rule files to take severities from (looked for: {', '.join(rule_globs)})")
    config = str(base_dir / entry.config_file) if entry.config_file else None
    try:
        problems = coverage_problems(
            rule_files=list(files),
            config_file=config,
            url=None if config else entry.url,
            location=entry.coverage.location,
            timeout=timeout,
        )
    except (SourceError, OSError, ValueError) as exc:
        return CoverageFacts(files, error=shorten(str(exc), 300))
    return CoverageFacts(files, problems)


def oncall_covered(entry: AlertmanagerEntry, facts: CoverageFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, f"on-call coverage not computed: {facts.error}")
    if facts.problems:
        return Verdict.failed(
            entry.name,
            f"{len(facts.problems)} on-call gap(s), expected someone notified all week: {facts.problems[0]}",
            facts.problems,
        )
    where = entry.coverage.location if entry.coverage else "UTC"
    return Verdict.passed(
        entry.name, f"every severity in {len(facts.rule_files)} rule file(s) reaches a receiver all week ({where})"
    )
