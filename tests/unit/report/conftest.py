"""Builders for plain RunResults (no pytest run needed)."""

from __future__ import annotations

import datetime

import pytest

from opsverify.report.results import CheckResult, RunResult
from opsverify.severity import SEVERITIES


def make_run(
    checks: list[tuple[str, str, str]], *, at: datetime.datetime, run_id: str | None = None, **kw
) -> RunResult:
    """``checks``: (id, severity, outcome); target = the id's bracket part, kind "fake", reason derived."""
    results = []
    for check_id, severity, outcome in checks:
        target = check_id.split("[", 1)[-1].rstrip("]")
        reason = kw.pop(f"reason_{check_id}", f"{target}: is down") if outcome == "failed" else ""
        results.append(CheckResult(check_id, f"t.py::{check_id}", target, "fake", severity, outcome, reason))
    counts = {s: {"passed": 0, "failed": 0, "waived": 0, "skipped": 0} for s in SEVERITIES}
    for c in results:
        counts[c.severity][c.outcome] += 1
    failed = [c for c in results if c.outcome == "failed"]
    return RunResult(
        run_id=run_id or at.strftime("%Y%m%dT%H%M%S%f"),
        started_at=at.isoformat(),
        finished_at=at.isoformat(),
        inventory="inv.yml",
        name=kw.pop("name", "shop"),
        environment=kw.pop("environment", "prod"),
        fail_on="info",
        verdict="FAIL" if failed else "PASS",
        blocking=len(failed),
        checks=results,
        counts=counts,
    )


@pytest.fixture
def t0() -> datetime.datetime:
    return datetime.datetime(2026, 11, 1, 6, 0, tzinfo=datetime.UTC)
