"""Evaluating rule groups over time as promtool's test loop does (rules/group.go Eval at every interval).

Rules are taken in evaluation order. Each rule whose expression reads only series written by rules before it is
evaluated over all steps with one range query; from the first rule that reads its own output or a later rule's
(recording-rule names, ALERTS), the rest are evaluated step by step, interleaved, exactly as Prometheus does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._promql import STALE_NAN, Engine, InstantVector, PromQLError, RangeResult, Scalar, Storage
from .alerts import Alert, AlertingState, Annotator, LabelExpander, LabelKey, RuleError, alerts_samples, label_key
from .model import Group, Rule
from .readdeps import read_edges

SampleList = list[tuple[dict[str, str], float]]


@dataclass
class Outcome:
    """Firing alerts per checked timestamp and alert name; the first failing timestamp with its messages."""

    snapshots: dict[int, dict[str, list[tuple[Alert, Rule]]]] = field(default_factory=dict)
    error_ts: int | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (rule name, error)
    steps: int = 0
    range_rules: int = 0


def to_samples(result: Any) -> SampleList:
    """An instant query result as a rule sees it: vector samples, or a scalar as one label-less sample."""
    if isinstance(result, InstantVector):
        return [(dict(s.labels), s.value) for s in result.samples]
    if isinstance(result, Scalar):
        return [({}, result.value)]
    raise PromQLError("rule result is not a vector or scalar")


@dataclass
class _RuleRun:
    rule: Rule
    group: Group
    alerting: AlertingState | None
    previous: dict[LabelKey, dict[str, str]] = field(default_factory=dict)
    error_ts: int | None = None
    error: str = ""


def plan(runs: Sequence[_RuleRun]) -> tuple[list[int], list[int], list[int]]:
    """Split rules (by index, in evaluation order) into: range-evaluated before the step loop, evaluated step by
    step (they read their own output or a later rule's, or are needed at the same step by such rules), and
    range-evaluated after the loop (they read step-evaluated rules but none of those reads them)."""
    reads = read_edges([r.rule for r in runs])
    step = {i for i, deps in enumerate(reads) if any(j >= i for j in deps)}
    step |= {j for i in step for j in reads[i] if j >= i}
    needs_step = _closure(reads, step)  # rules reading step rules (directly or not)
    readers = [{i for i, deps in enumerate(reads) if j in deps} for j in range(len(runs))]
    needed_by_step = _closure(readers, step)  # rules read by step rules (directly or not)
    step |= needs_step & needed_by_step
    after = needs_step - step
    before = [i for i in range(len(runs)) if i not in step and i not in after]
    return before, sorted(step), sorted(after)


def _closure(edges: list[set[int]], seeds: set[int]) -> set[int]:
    """Nodes that reach a seed by following ``edges`` (node -> nodes it points at), seeds excluded."""
    found: set[int] = set()
    changed = True
    while changed:
        changed = False
        for node, targets in enumerate(edges):
            if node not in found and node not in seeds and targets & (seeds | found):
                found.add(node)
                changed = True
    return found


class Evaluator:
    def __init__(
        self,
        groups: Sequence[Group],
        storage: Storage,
        engine: Engine,
        interval_ms: int,
        end_ms: int,
        snapshot_ts: set[int],
        expand_label: LabelExpander,
        annotate: Annotator | None = None,
        start_ms: int = 0,
    ) -> None:
        self.storage = storage
        self.engine = engine
        self.interval = interval_ms
        self.steps = list(range(start_ms, start_ms + end_ms + 1, interval_ms))
        self.snapshot_ts = snapshot_ts
        self.outcome = Outcome(steps=len(self.steps))
        self.runs = [
            _RuleRun(r, g, AlertingState(r, expand_label, g.limit, annotate) if r.kind == "alert" else None)
            for g in groups
            for r in g.rules
        ]

    def run(self) -> Outcome:
        before, step, after = plan(self.runs)
        for i in before:
            self._range_or_steps(self.runs[i])
        if step:
            for ts in self.steps:
                for i in step:
                    if self.runs[i].error_ts is None:
                        self._instant(self.runs[i], ts)
        for i in after:
            self._range_or_steps(self.runs[i])
        self._collect_errors()
        return self.outcome

    def _range_or_steps(self, run: _RuleRun) -> None:
        if self._range(run):
            self.outcome.range_rules += 1
            return
        for ts in self.steps:  # the range query failed: find the failing step the way Prometheus would
            if run.error_ts is None:
                self._instant(run, ts)

    def _range(self, run: _RuleRun) -> bool:
        offset = run.group.query_offset_ms
        try:
            result = self.engine.range(run.rule.parsed, self.steps[0] - offset, self.steps[-1] - offset, self.interval)
        except PromQLError:
            return False  # let the step-by-step path find the failing timestamp
        by_ts: dict[int, SampleList] = {ts: [] for ts in self.steps}
        assert isinstance(result, RangeResult)
        for series in result.series:
            for t, v in series.points:
                by_ts[t + offset].append((series.labels, v))
        for ts in self.steps:
            self._apply(run, ts, by_ts[ts])
            if run.error_ts is not None:
                break
        return True

    def _instant(self, run: _RuleRun, ts: int) -> None:
        try:
            samples = to_samples(self.engine.instant(run.rule.parsed, ts - run.group.query_offset_ms))
        except PromQLError as exc:
            run.error_ts, run.error = ts, str(exc)
            return
        self._apply(run, ts, samples)

    def _apply(self, run: _RuleRun, ts: int, samples: SampleList) -> None:
        try:
            out = self._alert(run, ts, samples) if run.alerting else self._record(run, samples)
        except RuleError as exc:
            run.error_ts, run.error = ts, str(exc)
            return
        self._write(run, ts - run.group.query_offset_ms, out)

    def _alert(self, run: _RuleRun, ts: int, samples: SampleList) -> SampleList:
        assert run.alerting is not None
        active = run.alerting.step(ts, samples)
        if ts in self.snapshot_ts:
            per_name = self.outcome.snapshots.setdefault(ts, {})
            per_name.setdefault(run.rule.name, []).extend((a, run.rule) for a in run.alerting.firing())
        return alerts_samples(run.rule.name, active)

    def _record(self, run: _RuleRun, samples: SampleList) -> SampleList:
        out: SampleList = []
        seen: set[LabelKey] = set()
        for labels, value in samples:
            new = {**labels, "__name__": run.rule.name}
            for k, v in run.rule.labels.items():
                if v:
                    new[k] = v
                else:
                    new.pop(k, None)
            key = label_key(new)
            if key in seen:
                raise RuleError("vector contains metrics with the same labelset after applying rule labels")
            seen.add(key)
            out.append((new, value))
        limit = run.group.limit
        if limit > 0 and len(out) > limit:
            raise RuleError(f"exceeded limit of {limit} with {len(out)} series")
        return out

    def _write(self, run: _RuleRun, t: int, samples: SampleList) -> None:
        current: dict[LabelKey, dict[str, str]] = {}
        for labels, value in samples:
            current[label_key(labels)] = labels
            self.storage.add(labels, [(t, value)])
        for key, labels in run.previous.items():
            if key not in current:
                self.storage.add(labels, [(t, STALE_NAN)])
        run.previous = current

    def _collect_errors(self) -> None:
        failed = [r for r in self.runs if r.error_ts is not None]
        if not failed:
            return
        first = min(r.error_ts for r in failed if r.error_ts is not None)
        self.outcome.error_ts = first
        self.outcome.errors = [(r.rule.name, r.error) for r in failed if r.error_ts == first]
