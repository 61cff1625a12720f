"""Manual checklist items and their attestations: what no probe can check ("restore drill done", "on-call rotation
defined"), attested by a person with evidence, valid for a while.

An item is an inventory entry (section ``checklist:``). Its attestation comes from the entry itself
(``attested_by``/``attested_on``/``evidence``) or, newer wins, from the attestation file beside the inventory,
``<inventory>.attestations.yml``, which ``opsverify attest NAME --by WHO --evidence URL`` appends to (a file to
review in git). The check fails when the item has no attestation or it has expired (``attested_on + valid_for``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InventoryError
from ..schema import Converter, Duration
from ..yamlsrc import line_of, load
from .common import Common

DEFAULT_VALID_FOR = Duration(90 * 86400.0)
HEADER = (
    "# Attestations of the inventory's checklist items, written by `opsverify attest NAME --by WHO --evidence URL`.\n"
    "# Review changes to this file like code: each entry says who attested what, when, and where the evidence is.\n"
)


@dataclass(kw_only=True)
class ChecklistEntry(Common):
    """A manual readiness item: passes while a person's attestation of it is recorded and not expired."""

    name: str
    evidence: str = ""  # URL or file of the evidence
    attested_by: str = ""
    attested_on: datetime.date | None = None
    valid_for: Duration = DEFAULT_VALID_FOR

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a checklist item needs a name")
        if float(self.valid_for) < 86400:
            raise ValueError("valid_for: at least 1d")


@dataclass(kw_only=True)
class Attestation:
    name: str
    by: str
    date: datetime.date  # not `on:`, which YAML 1.1 reads as the boolean true
    evidence: str = ""

    def __post_init__(self) -> None:
        if not self.by.strip():
            raise ValueError("an attestation needs `by` (who attests)")

    def expires(self, valid_for: float) -> datetime.date:
        return self.date + datetime.timedelta(days=int(valid_for // 86400))


@dataclass(kw_only=True)
class AttestationFile:
    attestations: list[Attestation] = field(default_factory=list)


def attestations_path(inventory: str | Path) -> Path:
    """``inventory.yml`` -> ``inventory.attestations.yml``, in the same folder."""
    path = Path(inventory)
    return path.with_name(f"{path.stem}.attestations.yml")


def load_attestations(path: Path) -> list[Attestation]:
    """Every attestation in the file (none when it does not exist); a bad file is an InventoryError file:line."""
    if not path.is_file():
        return []
    raw = load(path)
    if raw is None:
        return []
    parsed = Converter(str(path), InventoryError).dataclass(raw, AttestationFile, "", line_of(raw, 1))
    return parsed.attestations


def latest(entry: ChecklistEntry, recorded: list[Attestation]) -> Attestation | None:
    """The newest attestation of this item: the entry's own, or one from the file (the later file entry wins a tie)."""
    found = [a for a in recorded if a.name == entry.name]
    if entry.attested_by and entry.attested_on is not None:
        found.insert(
            0, Attestation(name=entry.name, by=entry.attested_by, date=entry.attested_on, evidence=entry.evidence)
        )
    best: Attestation | None = None
    for a in found:
        if best is None or a.date >= best.date:
            best = a
    return best


def record(path: Path, attestation: Attestation) -> None:
    """Append one attestation to the file (created with a header when missing)."""
    existing = load_attestations(path)
    items: list[dict[str, Any]] = [
        {"name": a.name, "by": a.by, "date": a.date, **({"evidence": a.evidence} if a.evidence else {})}
        for a in [*existing, attestation]
    ]
    text = yaml.safe_dump({"attestations": items}, sort_keys=False, allow_unicode=True, default_flow_style=False)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(HEADER + text, encoding="utf-8")
    tmp.replace(path)
