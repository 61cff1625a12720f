"""The plain result model every report is written from (JSON, Markdown, Prometheus textfile, the readiness page,
notifications). Built once from the run's :class:`~opsverify.run.RunState` at session end; every string in it has
passed through the secret masker. No pytest here."""

from __future__ import annotations

import datetime
import os
import uuid
from dataclasses import dataclass, field, fields
from typing import Any

from ..masking import mask
from ..run import Outcome, RunState
from ..severity import SEVERITIES, at_least, rank

SCHEMA_VERSION = 1
OUTCOMES = ("passed", "failed", "waived", "skipped")


@dataclass
class WaiverInfo:
    check: str
    reason: str
    expires: str  # ISO date
    days_left: int
    owner: str = ""
    reason_match: str | None = None
    state: str = "used"  # used, unused, expired, reason-mismatch, not-run (no check of it ran in this run)


@dataclass
class AttestationInfo:
    name: str
    state: str  # valid, expired, missing
    attested_by: str = ""
    attested_on: str = ""  # ISO date
    evidence: str = ""
    expires: str = ""  # ISO date
    days_left: int | None = None
    description: str = ""
    severity: str = "critical"


@dataclass
class CheckResult:
    id: str  # the check id: test_up[db]
    nodeid: str
    target: str  # the inventory entry's name
    kind: str  # the inventory section (containers, http, ...)
    severity: str
    outcome: str  # passed, failed, waived, skipped
    reason: str = ""  # the one-line reason of a failure ("" when it passed)
    measured: str = ""  # what the check measured (its verdict line), also when it passed
    description: str = ""  # the inventory entry's description
    duration_seconds: float = 0.0
    waiver: WaiverInfo | None = None
    waiver_note: str = ""  # why a waiver for this check did not apply
    attestation: AttestationInfo | None = None
    first_failed_at: str | None = None  # ISO timestamp of the first run of the current failing streak (history)
    change: str = ""  # new, still-failing, "" (history)
    root_cause: str | None = None  # the root-cause line this failure depends on (see rootcause.py)

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclass
class FixedCheck:
    id: str
    target: str
    kind: str
    severity: str
    last_reason: str
    failing_since: str | None


@dataclass
class TrendPoint:
    run_id: str
    started_at: str
    total: int
    passed: int
    failed: dict[str, int]  # by severity

    @property
    def pass_ratio(self) -> float:
        return self.passed / self.total if self.total else 1.0


@dataclass
class RootCause:
    key: str  # e.g. "container lab-api", "127.0.0.1:18080"
    line: str  # the one line shown for it
    severity: str  # the highest severity among its checks
    checks: list[str] = field(default_factory=list)  # ids of the failed checks under it (the root's own first)
    own: bool = True  # the first check is the root's own (a down container's); False for an address

    @property
    def dependents(self) -> int:
        """How many failed checks follow from the root (not counting its own)."""
        return len(self.checks) - 1 if self.own else len(self.checks)


@dataclass
class RunResult:
    run_id: str
    started_at: str
    finished_at: str
    inventory: str
    name: str
    environment: str | None
    fail_on: str
    verdict: str  # PASS or FAIL at --fail-on
    blocking: int  # failed checks at or above --fail-on
    checks: list[CheckResult]
    counts: dict[str, dict[str, int]]  # severity -> outcome -> n
    waivers: list[WaiverInfo] = field(default_factory=list)
    attestations: list[AttestationInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the summary's waiver lines, history problems...
    fixed: list[FixedCheck] = field(default_factory=list)  # failed in the previous run of each, passed now (history)
    trend: list[TrendPoint] = field(default_factory=list)  # the last runs, oldest first, this one last (history)
    root_causes: list[RootCause] = field(default_factory=list)
    history: str | None = None  # the history store's path, or None when history is off or failed
    html_log: str | None = None  # the pytest-html report, relative to the report dir

    def failures(self) -> list[CheckResult]:
        """The failed checks, most severe first."""
        return sorted((c for c in self.checks if c.failed), key=lambda c: -severity_rank(c.severity))

    def new_failures(self) -> list[CheckResult]:
        return [c for c in self.failures() if c.change == "new"]

    def still_failing(self) -> list[CheckResult]:
        return [c for c in self.failures() if c.change == "still-failing"]

    def fold(self, checks: list[CheckResult]) -> tuple[list[tuple[RootCause, list[CheckResult]]], list[CheckResult]]:
        """``checks`` with those under a root cause folded: (root, its checks among them) pairs, and the rest, so a
        list says "container X is down (6 checks)" once instead of six times."""
        roots = {r.key: r for r in self.root_causes}
        folded: dict[str, list[CheckResult]] = {}
        rest = []
        for c in checks:
            if c.root_cause in roots:
                folded.setdefault(c.root_cause, []).append(c)
            else:
                rest.append(c)
        return [(roots[k], v) for k, v in folded.items()], rest

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _plain(self)
        data["schema"] = SCHEMA_VERSION
        data["trend"] = [{**_plain(p), "pass_ratio": round(p.pass_ratio, 4)} for p in self.trend]
        return data


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copy of every leaf (5000 checks: 0.25 s less); the results are
    built fresh for each report, so nothing is shared with the caller's objects but immutable leaves."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def severity_rank(severity: str) -> int:
    """critical 2, warning 1, info 0; -1 for anything else (a report never fails over a severity it cannot rank)."""
    try:
        return rank(severity)
    except ValueError:
        return -1


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def build(state: RunState, *, finished: datetime.datetime | None = None, html_log: str | None = None) -> RunResult:
    """The run's results, masked: one :class:`CheckResult` per opsverify check, counts, waivers, attestations."""
    inv = state.inventory
    today = state.today
    pairs = [(o, _check(o, state)) for o in state.outcomes.values()]  # the raw outcome beside its masked result
    checks = [c for _, c in pairs]
    counts = {sev: dict.fromkeys(OUTCOMES, 0) for sev in SEVERITIES}
    for c in checks:
        row = counts.setdefault(c.severity, dict.fromkeys(OUTCOMES, 0))
        row[c.outcome] = row.get(c.outcome, 0) + 1
    blocking = sum(1 for c in checks if c.failed and at_least(c.severity, state.fail_on))
    ran = state.checks_ran()
    waivers = []
    for w in inv.waivers if inv else []:
        if not w.active(today):
            status = "expired"
        elif id(w) in state.used_waivers:
            status = "used"
        elif state.reason_mismatches(w):
            status = "reason-mismatch"
        elif any(w.matches(c) for c in ran):
            status = "unused"
        else:
            status = "not-run"
        waivers.append(
            WaiverInfo(
                check=mask(w.check),
                reason=mask(w.reason),
                expires=w.expires.isoformat(),
                days_left=w.days_left(today),
                owner=mask(w.owner),
                reason_match=w.reason_match,
                state=status,
            )
        )
    by_check = {w.check: w for w in waivers}
    for o, c in pairs:
        raw = o.waiver
        if raw:
            c.waiver = by_check.get(mask(raw))
    started = state.started
    return RunResult(
        run_id=os.environ.get("OPSVERIFY_RUN_ID") or f"{started:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}",
        started_at=started.isoformat(),
        finished_at=(finished or now()).isoformat(),
        inventory=inv.source if inv else "",
        name=mask(inv.name or inv.source) if inv else "",
        environment=inv.environment if inv else None,
        fail_on=state.fail_on,
        verdict="FAIL" if blocking else "PASS",
        blocking=blocking,
        checks=checks,
        counts=counts,
        waivers=waivers,
        attestations=[c.attestation for c in checks if c.attestation is not None],
        notes=[mask(line.removeprefix("opsverify: ")) for line in state.waiver_lines()],
        html_log=html_log,
    )


def _check(o: Outcome, state: RunState) -> CheckResult:
    measured = " / ".join(mask(m) for m in o.measured)
    reason = mask(o.message) if o.outcome in ("failed", "waived") else ""
    return CheckResult(
        id=mask(o.check_id),
        nodeid=mask(o.nodeid),
        target=mask(o.target),
        kind=o.kind,
        severity=o.severity,
        outcome=o.outcome,
        reason=reason.splitlines()[0] if reason else "",
        measured=measured,
        description=mask(o.description),
        duration_seconds=round(o.duration, 4),
        waiver_note=mask(o.waiver_note),
        attestation=_attestation(o, state),
    )


def _attestation(o: Outcome, state: RunState) -> AttestationInfo | None:
    if "attestation" not in o.extra:
        return None
    x = o.extra
    days = x.get("attestation_days_left")
    return AttestationInfo(
        name=mask(o.target),
        state=x["attestation"],
        attested_by=mask(x.get("attested_by", "")),
        attested_on=x.get("attested_on", ""),
        evidence=mask(x.get("evidence", "")),
        expires=x.get("attestation_expires", ""),
        days_left=int(days) if days not in (None, "") else None,
        description=mask(o.description),
        severity=o.severity,
    )
