"""``opsverify report merge DIR...``: one JUnit XML, one HTML page and the summary from the reports of shards (and,
when every shard wrote ``results.json``, the readiness page, results.json and summary.md: :mod:`.merge_results`).

Each DIR is a shard's ``--report-dir`` (its ``junit.xml`` is read; the ``target``/``severity``/``kind`` properties
opsverify writes on every test case carry what the gate needs). The merged run is judged with the same rules as a
single run (:class:`~opsverify.run.RunState`): exit 1 when a check at or above ``--fail-on`` failed or a test that is
not an opsverify check failed, 5 when no check ran at all, else 0. A shard without a report is a usage error (exit 4).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import merge_results
from .errors import OpsverifyError
from .masking import mask
from .report.results import RunResult
from .run import Outcome, RunState
from .severity import SEVERITIES


class MergeError(OpsverifyError):
    """A shard's report is missing or unreadable."""


@dataclass
class Merged:
    cases: list[ET.Element]
    state: RunState
    run: RunResult | None = None  # from the shards' results.json, when every shard wrote one

    @property
    def exit_code(self) -> int:
        if self.state.failures_at_or_above() or self.state.other_failures:
            return 1
        return 5 if not self.cases else 0


def junit_of(folder: str) -> Path:
    path = Path(folder)
    found = path / "junit.xml" if path.is_dir() else path
    if not found.is_file():
        raise MergeError(f"{folder}: no junit.xml (did this shard run with --report-dir {folder}?)")
    return found


def read(folders: list[str], fail_on: str | None = None) -> Merged:
    """The shards' test cases, judged from their results.json (issue 12's reports: JUnit has no properties there)
    or, for shards without one, from the ``severity`` properties of their JUnit test cases."""
    cases: list[tuple[ET.Element, int]] = []
    for index, folder in enumerate(folders):
        path = junit_of(folder)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            raise MergeError(f"{path}: not JUnit XML ({exc})") from None
        cases.extend((case, index) for case in root.iter("testcase"))
    shards = [merge_results.load(folder) for folder in folders]
    if shards and all(shard is not None for shard in shards):
        found = [s for s in shards if s is not None]
        gate = fail_on or str(found[0].get("fail_on") or "info")
        run = merge_results.build(found, gate)
        return Merged([c for c, _ in cases], _state_of(run, cases, gate), run)
    state = RunState(fail_on=fail_on or "info")
    for case, _ in cases:
        _record(state, case)
    return Merged([c for c, _ in cases], state)


def _state_of(run: RunResult, cases: list[tuple[ET.Element, int]], fail_on: str) -> RunState:
    """The merged checks as a run's state (its gate and summary lines); failed test cases that are no check count
    as other failures, which always fail the run."""
    state = RunState(fail_on=fail_on)
    for index, c in enumerate(run.checks):
        state.outcomes[f"{index}::{c.id}"] = Outcome(
            f"{index}::{c.id}", c.severity, c.outcome, c.reason, target=c.target, kind=c.kind
        )
    ids = {c.id for c in run.checks}
    for case, _ in cases:
        failed = case.find("failure") is not None or case.find("error") is not None
        state.other_failures += int(failed and case.get("name", "") not in ids)
    return state


def _record(state: RunState, case: ET.Element) -> None:
    props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
    nodeid = f"{case.get('classname', '')}::{case.get('name', '')}"
    failed = case.find("failure") if case.find("failure") is not None else case.find("error")
    if "severity" not in props:
        state.other_failures += int(failed is not None)
        return
    outcome = Outcome(nodeid, props["severity"], target=props.get("target", ""), kind=props.get("kind", ""))
    skipped = case.find("skipped")
    if failed is not None:
        outcome.outcome, outcome.message = "failed", _reason(failed)
    elif skipped is not None:
        message = skipped.get("message", "")
        outcome.outcome = (
            "waived" if message.startswith("waived") or skipped.get("type") == "pytest.xfail" else "skipped"
        )
        outcome.message = message
    state.outcomes[nodeid] = outcome


def _reason(failed: ET.Element) -> str:
    message = re.sub(r"^\[\w+\] ", "", failed.get("message") or "")  # "[critical] target: reason"
    lines = [line for line in (failed.text or "").splitlines() if line.strip()]
    return (message or (lines[0] if lines else "")).strip()


def write_junit(merged: Merged, path: Path) -> None:
    suite = ET.Element("testsuite", name="opsverify")
    counts = {"tests": len(merged.cases), "failures": 0, "errors": 0, "skipped": 0}
    for case in merged.cases:
        suite.append(case)
        counts["failures"] += int(case.find("failure") is not None)
        counts["errors"] += int(case.find("error") is not None)
        counts["skipped"] += int(case.find("skipped") is not None)
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_html(merged: Merged, path: Path, shards: list[str]) -> None:
    state = merged.state
    lines = state.summary_lines() if state.outcomes else ["opsverify: no checks ran"]
    colour = "#c0392b" if merged.exit_code else "#1e8449"
    body = [f'<h1 style="color:{colour}">{escape(mask(lines[0]))}</h1>']
    body += [f"<p>{escape(mask(line))}</p>" for line in lines[1:]]
    body.append(f"<p>merged from {len(shards)} shard(s): {escape(', '.join(shards))}</p>")
    for severity in SEVERITIES:
        failed = [o for o in state.outcomes.values() if o.outcome == "failed" and o.severity == severity]
        if failed:
            items = "".join(f"<li><code>{escape(_id(o))}</code>: {escape(mask(o.message))}</li>" for o in failed)
            body.append(f"<h2>{severity}: {len(failed)} failed</h2><ul>{items}</ul>")
    rows = "".join(
        f"<tr><td>{escape(o.outcome)}</td><td>{escape(o.severity)}</td><td>{escape(o.kind)}</td>"
        f"<td><code>{escape(_id(o))}</code></td><td>{escape(mask(o.message))}</td></tr>"
        for o in sorted(state.outcomes.values(), key=lambda o: (o.outcome != "failed", o.nodeid))
    )
    body.append(
        "<h2>All checks</h2><table><tr><th>Outcome</th><th>Severity</th><th>Kind</th><th>Check</th><th>Message</th>"
        f"</tr>{rows}</table>"
    )
    style = "body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>opsverify merged report</title>'
        f"<style>{style}</style></head><body>{''.join(body)}</body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def _id(outcome: Outcome) -> str:
    return outcome.nodeid.split("::")[-1]


def main(folders: list[str], out: str, fail_on: str | None = None) -> int:
    """Merge, write ``OUT/junit.xml``, ``OUT/report.html`` (and the readiness page), print the summary; the merged
    run's exit code."""
    merged = read(folders, fail_on)
    target = Path(out)
    write_junit(merged, target / "junit.xml")
    write_html(merged, target / "report.html", folders)
    written = [target / "report.html", target / "junit.xml"]
    if merged.run is not None:  # the readiness page, results.json and summary.md of the whole
        written += merge_results.write(merged.run, target)
    lines = merged.state.summary_lines() if merged.state.outcomes else ["opsverify: no checks ran in any shard"]
    print("\n".join(mask(line) for line in lines))
    print(f"opsverify: merged {len(merged.cases)} test(s) from {len(folders)} shard(s): {', '.join(map(str, written))}")
    return merged.exit_code
