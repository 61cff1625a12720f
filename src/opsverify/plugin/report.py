"""Report hooks (registered only when opsverify is active): pytest-html (severity and target columns, the inventory
and environment, a grouped summary), and at the end of the run the readiness reports of :mod:`opsverify.report`
(readiness.html, results.json, summary.md, results.prom, the history, notifications) in the report directory: the
folder of ``--html`` (else of ``--junitxml``, else ``./reports``). The JUnit file pytest wrote is rewritten for CI
(:mod:`opsverify.report.junit`).
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path
from typing import Any

import pytest

from .. import masking
from ..masking import mask, redact_userinfo
from ..run import RunState
from ..severity import SEVERITIES

_COLOURS = {"critical": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}


class ReportHooks:
    def __init__(self, state: RunState) -> None:
        self.state = state
        self.written: Any = None  # opsverify.report.writer.Written, once the reports are written

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the readiness reports once per run: not on pytest-xdist workers (the controller has every result)."""
        config = session.config
        if hasattr(config, "workerinput") or not self.state.outcomes:
            return
        from ..report.writer import write_all

        html = _option_path(config, "htmlpath")
        try:
            self.written = write_all(self.state, report_dir(config), html)
        except Exception as exc:  # a report bug must not hide the run's result; say it loudly
            print(
                f"opsverify: ERROR: writing the readiness reports failed: {type(exc).__name__}: {mask(str(exc))}",
                file=sys.stderr,
            )

    @pytest.hookimpl(trylast=True)  # after the verdict line
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.written is not None:
            for line in self.written.lines:
                terminalreporter.write_line(f"opsverify: {mask(line)}")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Rewrite the JUnit file pytest wrote (in its sessionfinish) for CI: Jenkins schema, severities, durations."""
        xml = _option_path(config, "xmlpath")
        if self.written is None or xml is None or not xml.is_file():
            return
        from ..report.junit import rewrite

        try:
            text = rewrite(
                xml.read_text(encoding="utf-8"), self.written.run.checks, self.state.fail_on, config.option.junitprefix
            )
        except Exception as exc:  # pytest's file is left as it was; the run's result stands
            print(
                f"opsverify: ERROR: could not rewrite {xml} for CI: {type(exc).__name__}: {mask(str(exc))}",
                file=sys.stderr,
            )
            return
        xml.write_text(masking.MASKER.mask_document(text), encoding="utf-8")

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


def _option_path(config: pytest.Config, name: str) -> Path | None:
    value = getattr(config.option, name, None)
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else config.invocation_params.dir / path


def report_dir(config: pytest.Config) -> Path:
    """Where the readiness reports go: beside the pytest-html report, else beside the JUnit file, else ./reports."""
    for name in ("htmlpath", "xmlpath"):
        path = _option_path(config, name)
        if path is not None:
            return path.parent
    return config.invocation_params.dir / "reports"


def summary_html(state: RunState) -> list[str]:
    """The at-a-glance part: verdict, failures grouped by severity with their one-line reasons, inventory."""
    if not state.outcomes:
        return []
    out = [
        f"<h2>opsverify summary</h2><p><b>{escape(mask(state.summary_lines()[0]))}</b></p>"
        '<p>The readiness page (what is new, fixed, root causes, trend): <a href="readiness.html">readiness.html</a></p>'
    ]
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
