"""Checklist items (``checklist:``): attested by a person, with evidence, until ``attested_on + valid_for``.

The "probe" reads the attestation file beside the inventory; :func:`attested` judges it. A missing or expired
attestation fails, saying how to record one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..inventory.checklist import Attestation, ChecklistEntry, attestations_path, latest, load_attestations
from ..kinds import Context, Kind
from ..verdict import Verdict


@dataclass
class ChecklistFacts:
    attestation: Attestation | None
    source: str  # where attestations are recorded


def gather(entry: ChecklistEntry, ctx: Context) -> ChecklistFacts:
    path = attestations_path(ctx.inventory.source)
    return ChecklistFacts(latest(entry, load_attestations(path)), str(path))


def attested(entry: ChecklistEntry, facts: ChecklistFacts, today: datetime.date | None = None) -> Verdict:
    today = today or datetime.date.today()
    a = facts.attestation
    if a is None:
        return Verdict.failed(
            entry.name,
            f"no attestation recorded; once done, run: opsverify attest {entry.name} --by WHO --evidence URL",
        )
    expires = a.expires(entry.valid_for)
    evidence = f", evidence {a.evidence}" if a.evidence else ", no evidence given"
    if today > expires:
        return Verdict.failed(
            entry.name,
            f"attestation expired on {expires.isoformat()} (attested by {a.by} on {a.date.isoformat()}{evidence}); "
            f"attest it again: opsverify attest {entry.name} --by WHO --evidence URL",
        )
    days = (expires - today).days
    return Verdict.passed(
        entry.name,
        f"attested by {a.by} on {a.date.isoformat()}{evidence}; valid until {expires.isoformat()} ({days} days left)",
    )


def properties(entry: ChecklistEntry, facts: ChecklistFacts, today: datetime.date | None = None) -> dict[str, str]:
    """What the report shows for the item: state, who, when, evidence, expiry, days left."""
    today = today or datetime.date.today()
    a = facts.attestation
    if a is None:
        return {"attestation": "missing"}
    expires = a.expires(entry.valid_for)
    return {
        "attestation": "expired" if today > expires else "valid",
        "attested_by": a.by,
        "attested_on": a.date.isoformat(),
        "evidence": a.evidence,
        "attestation_expires": expires.isoformat(),
        "attestation_days_left": str((expires - today).days),
    }


KIND: Kind[ChecklistEntry] = Kind("checklist", gather=gather)
