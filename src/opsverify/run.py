"""What one run knows, in plain Python: the inventory (parsed once), the probe pool, the outcome and severity of
every check, and from them the summary and whether the run passes at ``--fail-on``."""

from __future__ import annotations

import datetime
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .childprobes import ChildProbes
from .inventory import Inventory
from .inventory.loader import load_inventory_once
from .inventory.waivers import Waiver, find
from .kinds import Context
from .prefetch import Prefetcher
from .severity import SEVERITIES, at_least
from .sharedprobes import SharedProbes


@dataclass
class Outcome:
    """One check's result, folded from its phase reports' user properties (so it works under pytest-xdist)."""

    nodeid: str
    severity: str
    outcome: str = "passed"  # passed, failed, waived, skipped
    message: str = ""  # the one-line reason of a failure (or the waiver's text when waived)
    target: str = ""
    kind: str = ""
    description: str = ""  # the inventory entry's `description:`
    measured: list[str] = field(default_factory=list)  # the verdict lines: what the check measured, also when ok
    phases: dict[str, float] = field(default_factory=dict)  # setup/call/teardown seconds
    probe_seconds: float | None = None  # how long the probe itself ran (prefetched before the check)
    waiver: str = ""  # `check:` of the waiver that applied (active, expired, or not matching the reason)
    waiver_note: str = ""  # why a waiver did not apply (expired, reason did not match)
    extra: dict[str, str] = field(default_factory=dict)  # other ``opsverify.*`` properties (attestations...)

    @property
    def check_id(self) -> str:
        return self.nodeid.split("::")[-1]

    @property
    def duration(self) -> float:
        """Seconds this check really cost: its probe's run time plus its call phase (the setup phase only waited
        for the prefetched probe); without a probe, every phase."""
        if self.probe_seconds is not None:
            return self.probe_seconds + self.phases.get("call", 0.0)
        return sum(self.phases.values())


class TimedPrefetcher(Prefetcher):
    """The prefetcher, also remembering how long each probe itself ran (the checks' real duration: with prefetching,
    a check's own call phase takes ~0 s)."""

    def __init__(self, workers: int = 64) -> None:
        super().__init__(workers)
        self.seconds: dict[Hashable, float] = {}
        self._timing_lock = threading.Lock()

    def submit(self, key: Hashable, fn: Callable[[], Any], budget: float = 3600.0) -> Any:
        def timed() -> Any:
            start = time.monotonic()
            try:
                return fn()
            finally:
                with self._timing_lock:
                    self.seconds[key] = time.monotonic() - start

        return super().submit(key, timed, budget)


@dataclass
class RunState:
    fail_on: str = "info"
    inventory: Inventory | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    other_failures: int = 0  # failing tests that are not opsverify checks: never downgraded by --fail-on
    failed_reports: int = 0  # failed phase reports of opsverify checks (pytest counts the same way)
    today: datetime.date = field(default_factory=datetime.date.today)
    used_waivers: dict[int, Waiver] = field(default_factory=dict)
    shared: SharedProbes | None = None  # under pytest-xdist: probes claimed once per run, across workers
    child: ChildProbes | None = None  # big runs: the probes run in a forked child process
    workers: int = 64  # network probes in flight at once
    started: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))
    _prefetcher: TimedPrefetcher | None = None
    _context: Context | None = None

    def load(self, path: str, env: str | None, concurrency: int | None) -> None:
        self.inventory = load_inventory_once(path, env)
        self._context = Context(self.inventory)
        self.workers = concurrency or self.inventory.defaults.concurrency
        self._prefetcher = TimedPrefetcher(self.workers)

    def check_dirs(self) -> list[str]:
        """The inventory's ``checks:`` folders (relative to the inventory file): the user's own check modules."""
        assert self.inventory is not None, "inventory not loaded"
        base = Path(self.inventory.source).parent
        return [str(base / d) for d in self.inventory.checks]

    @property
    def context(self) -> Context:
        assert self._context is not None, "inventory not loaded"
        return self._context

    @property
    def prefetcher(self) -> TimedPrefetcher:
        assert self._prefetcher is not None, "inventory not loaded"
        return self._prefetcher

    def waiver_for(self, check_id: str, reason: str = "") -> Waiver | None:
        """The waiver for this check id whose ``reason_match`` (if any) matches the failure's reason; failing that,
        one for this id whose reason does not match (the caller says so; the failure counts)."""
        waiver = find(self.inventory.waivers, check_id, reason) if self.inventory else None
        if waiver is not None and waiver.matches_reason(reason):
            self.used_waivers[id(waiver)] = waiver
        return waiver

    def record(self, report: Any) -> None:
        """Fold one pytest phase report (setup/call/teardown) into the item's outcome; failure wins. Reports
        without a severity are not opsverify checks: their failures always fail the run."""
        props = dict(report.user_properties)
        severity = props.get("severity")
        if severity is None:
            self.other_failures += int(bool(report.failed))
            return
        if "waiver" in props and "waiver_note" not in props and self.inventory is not None:
            for waiver in self.inventory.waivers:
                if waiver.check == props["waiver"]:
                    self.used_waivers[id(waiver)] = waiver
        outcome = self.outcomes.setdefault(
            report.nodeid,
            Outcome(report.nodeid, severity, target=str(props.get("target", "")), kind=str(props.get("kind", ""))),
        )
        self._fold_properties(outcome, report, props)
        if report.skipped and hasattr(report, "wasxfail"):
            outcome.outcome = "waived"
            outcome.message = str(report.wasxfail)
        elif report.failed:
            self.failed_reports += 1
            outcome.outcome = "failed"
            crash = getattr(report.longrepr, "reprcrash", None)
            lines = str(report.longrepr or "").splitlines()
            reason = props.get("reason") or (crash.message if crash is not None else lines[-1] if lines else "")
            outcome.message = str(reason)
        elif report.skipped and outcome.outcome not in ("failed", "waived"):
            outcome.outcome = "skipped"

    def _fold_properties(self, outcome: Outcome, report: Any, props: dict[str, Any]) -> None:
        outcome.description = str(props.get("description", outcome.description))
        results = [str(v) for k, v in report.user_properties if k == "result"]
        if results:
            outcome.measured = results
        probe = _float(props.get("probe_seconds"))
        if probe is not None:
            outcome.probe_seconds = probe
        outcome.phases[str(report.when)] = float(getattr(report, "duration", 0.0) or 0.0)
        outcome.waiver = str(props.get("waiver", outcome.waiver))
        outcome.waiver_note = str(props.get("waiver_note", outcome.waiver_note))
        for key, value in props.items():
            if str(key).startswith("opsverify."):
                outcome.extra[str(key).removeprefix("opsverify.")] = str(value)

    def checks_ran(self) -> set[str]:
        """The check ids (``test_up[db]``) that ran in this run."""
        return {o.check_id for o in self.outcomes.values() if o.outcome != "skipped"}

    def only_failures_below_gate(self, testsfailed: int) -> bool:
        """True when every failure pytest counted is an opsverify check, and none is at or above --fail-on."""
        only_ours = self.failed_reports > 0 and testsfailed == self.failed_reports and not self.other_failures
        return only_ours and not self.failures_at_or_above()

    def failures_at_or_above(self, threshold: str | None = None) -> list[Outcome]:
        level = threshold or self.fail_on
        return [o for o in self.outcomes.values() if o.outcome == "failed" and at_least(o.severity, level)]

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((o.outcome, o.severity) for o in self.outcomes.values())

    def summary_lines(self) -> list[str]:
        counts = self.counts()
        passed = sum(n for (outcome, _), n in counts.items() if outcome == "passed")
        failed = {sev: counts[("failed", sev)] for sev in SEVERITIES}
        by_sev = ", ".join(f"{sev} {n}" for sev, n in failed.items() if n) or "none"
        blocking = len(self.failures_at_or_above())
        verdict = "FAIL" if blocking else "PASS"
        lines = [
            f"opsverify: {verdict}: {passed} passed, {sum(failed.values())} failed (by severity: {by_sev}); "
            f"{blocking} at or above --fail-on {self.fail_on}"
        ]
        below = sum(failed.values()) - blocking
        if below:
            lines.append(
                f"opsverify: {below} failed check(s) below --fail-on {self.fail_on} do not fail the run; see the report"
            )
        return lines + self.waiver_lines()

    def waiver_lines(self) -> list[str]:
        """Every waived failure, every expired waiver and every waiver that matched nothing, by name."""
        lines = [
            f"opsverify: WAIVED {o.nodeid.split('::')[-1]}: {o.message.removeprefix('waived: ')}"
            for o in self.outcomes.values()
            if o.outcome == "waived"
        ]
        for waiver in self.inventory.waivers if self.inventory else []:
            if not waiver.active(self.today):
                lines.append(
                    f"opsverify: EXPIRED waiver {waiver.check!r} ({waiver.expires.isoformat()}): its failures count again"
                )
            elif id(waiver) in self.used_waivers:
                continue
            elif self.reason_mismatches(waiver):
                ids = ", ".join(self.reason_mismatches(waiver))
                lines.append(
                    f"opsverify: MISMATCHED waiver {waiver.check!r}: {ids} failed for another reason than its "
                    f"reason_match {waiver.reason_match!r}, so it counts"
                )
            elif any(waiver.matches(c) for c in self.checks_ran()):
                lines.append(
                    f"opsverify: UNUSED waiver {waiver.check!r}: no failing check matched it; remove it when done"
                )
        return lines

    def reason_mismatches(self, waiver: Waiver) -> list[str]:
        """The failed checks this waiver's id matched but whose reason its ``reason_match`` did not."""
        return [
            o.check_id
            for o in self.outcomes.values()
            if o.outcome == "failed" and o.waiver == waiver.check and "does not apply" in o.waiver_note
        ]

    def probe_seconds(self, key: Hashable) -> float | None:
        """How long the probe for ``key`` ran, wherever it ran: here, in a probe process, or in another xdist
        worker (which published it with its result)."""
        for seconds in (
            self.prefetcher.seconds,
            self.child and self.child.seconds,
            self.shared and self.shared.seconds,
        ):
            found = seconds.get(key) if seconds else None
            if found is not None:
                return found
        return None

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
        if self._prefetcher is not None:
            self._prefetcher.close()
        sessions = self._context.cache.get("opsverify.sessions") if self._context is not None else None
        if sessions is not None:  # the run's SSH sessions, one per host (adapters/sessions.py)
            sessions.close()


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None
