"""pytest-html and metadata hooks (registered only when opsverify is active): severity and target columns, the inventory and environment, a grouped summary.

JUnit needs no hook: the plugin puts ``target``, ``severity`` and ``kind`` into each item's user_properties, which
pytest's junitxml writes as ``<property>`` elements of each ``<testcase>``.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pytest

from ..masking import mask, redact_userinfo
from ..run import RunState
from ..severity import SEVERITIES

_COLOURS = {"critical": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}


class ReportHooks:
    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_sessionstart(self, session: pytest.Session) -> None:  # also on an xdist controller
        try:
            from pytest_metadata.plugin import metadata_key
        except ImportError:  # pragma: no cover - pytest-metadata comes with pytest-html
            return
        metadata = session.config.stash.get(metadata_key, None)
        if metadata is None or self.state.inventory is None:
            return
        for key, value in list(metadata.items()):  # CI variables (GIT_URL...) can carry tokens in URLs
            if isinstance(value, str):
                metadata[key] = mask(redact_userinfo(value))
        inv = self.state.inventory
        metadata["opsverify inventory"] = inv.source
        metadata["opsverify environment"] = inv.environment or "(none)"
        metadata["opsverify fail-on"] = self.state.fail_on
        sections = {name: len(entries) for name, entries in inv.sections().items() if entries}
        metadata["opsverify targets"] = ", ".join(f"{k}: {v}" for k, v in sections.items()) or "(none)"

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        inv = self.state.inventory
        name = (inv.name or inv.source) if inv else ""
        env = f" [{inv.environment}]" if inv and inv.environment else ""
        report.title = f"opsverify readiness report: {name}{env}" if inv else "opsverify report"

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells.insert(1, "<th>Severity</th>")
        cells.insert(2, "<th>Target</th>")

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        props = dict(getattr(report, "user_properties", ()))  # collection reports have none
        severity = str(props.get("severity", ""))
        colour = _COLOURS.get(severity, "inherit")
        cells.insert(1, f'<td class="col-severity" style="color:{colour};font-weight:bold">{escape(severity)}</td>')
        cells.insert(2, f'<td class="col-target">{escape(mask(str(props.get("target", ""))))}</td>')

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str]) -> None:
        prefix.extend(summary_html(self.state))


def summary_html(state: RunState) -> list[str]:
    """The at-a-glance part: verdict, failures grouped by severity with their one-line reasons, inventory."""
    if not state.outcomes:
        return []
    out = [f"<h2>opsverify summary</h2><p><b>{escape(mask(state.summary_lines()[0]))}</b></p>"]
    for severity in SEVERITIES:
        failed = [o for o in state.outcomes.values() if o.outcome == "failed" and o.severity == severity]
        if not failed:
            continue
        items = "".join(
            f"<li><code>{escape(o.nodeid.split('::')[-1])}</code>: {escape(mask(o.message))}</li>" for o in failed
        )
        colour = _COLOURS[severity]
        out.append(f'<h3 style="color:{colour}">{severity}: {len(failed)} failed</h3><ul>{items}</ul>')
    out.append(_sections_table(state))
    notes = state.waiver_lines()
    if notes:
        items = "".join(f"<li>{escape(mask(n.removeprefix('opsverify: ')))}</li>" for n in notes)
        out.append(f"<h3>Waivers</h3><ul>{items}</ul>")
    if state.inventory is not None:
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{escape(', '.join(str(getattr(e, 'name', '?')) for e in entries))}</td></tr>"
            for name, entries in state.inventory.sections().items()
            if entries
        )
        out.append(f"<h3>Inventory</h3><table><tr><th>Section</th><th>Entries</th></tr>{rows}</table>")
    return out


def _sections_table(state: RunState) -> str:
    """Checks per section (containers, http, hosts, ...): passed / failed / waived, failures first."""
    counts: dict[str, dict[str, int]] = {}
    for o in state.outcomes.values():
        row = counts.setdefault(o.kind or "other", {"passed": 0, "failed": 0, "waived": 0, "skipped": 0})
        row[o.outcome] = row.get(o.outcome, 0) + 1
    order = sorted(counts, key=lambda k: (-counts[k]["failed"], k))
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td>{counts[k]['passed']}</td>"
        f'<td style="color:{"#c0392b" if counts[k]["failed"] else "inherit"}">{counts[k]["failed"]}</td>'
        f"<td>{counts[k]['waived']}</td></tr>"
        for k in order
    )
    head = "<tr><th>Section</th><th>Passed</th><th>Failed</th><th>Waived</th></tr>"
    return f"<h3>By section</h3><table>{head}{rows}</table>"
