"""The readiness page, results.json and summary.md of merged shards, from each shard's ``results.json`` (the model of
:mod:`opsverify.report.results`): checks concatenated, counts, gate and root causes recomputed over all of them, each
waiver in the state that says most (used in some shard beats unused elsewhere). Trends and history stay per shard."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from .report import html, jsonout, markdown, rootcause
from .report.results import OUTCOMES, AttestationInfo, CheckResult, FixedCheck, RunResult, WaiverInfo
from .severity import SEVERITIES, at_least

_WAIVER_ORDER = ("used", "reason-mismatch", "expired", "unused", "not-run")


def load(folder: str) -> dict[str, Any] | None:
    """A shard's results.json, or None when it has none (a run without issue 12's reports)."""
    path = Path(folder) / "results.json" if Path(folder).is_dir() else Path(folder).with_name("results.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _make(cls: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _check(data: dict[str, Any]) -> CheckResult:
    check: CheckResult = _make(CheckResult, {**data, "root_cause": None})
    check.waiver = _make(WaiverInfo, data["waiver"]) if data.get("waiver") else None
    check.attestation = _make(AttestationInfo, data["attestation"]) if data.get("attestation") else None
    return check


def build(shards: list[dict[str, Any]], fail_on: str) -> RunResult:
    checks = [_check(c) for shard in shards for c in shard.get("checks") or []]
    counts = {sev: dict.fromkeys(OUTCOMES, 0) for sev in SEVERITIES}
    for c in checks:
        row = counts.setdefault(c.severity, dict.fromkeys(OUTCOMES, 0))
        row[c.outcome] = row.get(c.outcome, 0) + 1
    blocking = sum(1 for c in checks if c.failed and at_least(c.severity, fail_on))
    waivers: dict[str, WaiverInfo] = {}
    for shard in shards:
        for w in (_make(WaiverInfo, x) for x in shard.get("waivers") or []):
            known = waivers.get(w.check)
            if known is None or _WAIVER_ORDER.index(w.state) < _WAIVER_ORDER.index(known.state):
                waivers[w.check] = w
    first = shards[0] if shards else {}
    run = RunResult(
        run_id="merged-" + "+".join(str(s.get("run_id", "?")) for s in shards),
        started_at=min((str(s.get("started_at", "")) for s in shards), default=""),
        finished_at=max((str(s.get("finished_at", "")) for s in shards), default=""),
        inventory=str(first.get("inventory", "")),
        name=str(first.get("name", "")),
        environment=first.get("environment"),
        fail_on=fail_on,
        verdict="FAIL" if blocking else "PASS",
        blocking=blocking,
        checks=checks,
        counts=counts,
        waivers=list(waivers.values()),
        attestations=[c.attestation for c in checks if c.attestation is not None],
        notes=list(dict.fromkeys(n for s in shards for n in s.get("notes") or [])),
        fixed=[_make(FixedCheck, f) for s in shards for f in s.get("fixed") or []],
    )
    rootcause.group(run, None)
    return run


def write(run: RunResult, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [
        jsonout.write(run, out / "results.json"),
        markdown.write(run, out / "summary.md", "readiness.html"),
        html.write(run, out / "readiness.html"),
    ]
