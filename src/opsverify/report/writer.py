"""Everything the run writes at its end, from the run state: results.json, summary.md, results.prom, readiness.html,
the history, and the notification. Called by the pytest plugin once per run (on the controller under xdist)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..run import RunState
from . import html, jsonout, markdown, notify, promfile, results, rootcause
from .history import History, HistoryError, default_path, keep_days


@dataclass
class Written:
    run: results.RunResult
    files: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # what to tell the user (paths, warnings, errors)


def history_path(report_dir: Path) -> Path | None:
    """The history store, or None when ``$OPSVERIFY_HISTORY`` is ``off``."""
    if os.environ.get("OPSVERIFY_HISTORY", "").lower() in ("off", "none", "0", "false"):
        return None
    return default_path(report_dir)


def write_all(state: RunState, report_dir: Path, html_log: Path | None = None) -> Written:
    report_dir.mkdir(parents=True, exist_ok=True)
    finished = results.now()
    log = os.path.relpath(html_log, report_dir) if html_log is not None else None
    if log is not None and not log.startswith((".", "/")):
        log = f"./{log}"  # a relative path, never read as a URL scheme ("javascript:x.html")
    run = results.build(state, finished=finished, html_log=log)
    inv = state.inventory
    rootcause.group(run, inv.depends_on if inv is not None else None)
    out = Written(run)
    history_error = None
    path = history_path(report_dir)
    if path is not None:
        try:
            History(path, keep_days()).record(run)
        except HistoryError as exc:
            history_error = str(exc)
            out.lines.append(f"ERROR: {exc} (this run's reports have no history)")
    page = report_dir / "readiness.html"
    link = inv.notify.report_url if inv is not None and inv.notify is not None else ""  # where CI publishes it
    out.files += [
        jsonout.write(run, report_dir / "results.json"),
        markdown.write(run, report_dir / "summary.md", link or page.name),
        promfile.write(run, report_dir / "results.prom", finished.timestamp()),
        html.write(run, page, history_error),
    ]
    if run.history is not None:
        out.lines.append(
            f"since the last run: {len(run.new_failures())} new failure(s), {len(run.still_failing())} still "
            f"failing, {len(run.fixed)} fixed"
        )
    if run.root_causes:
        roots = "; ".join(f"{r.line} ({r.dependents} dependent checks)" for r in run.root_causes[:5])
        out.lines.append(f"root causes: {roots}")
    out.lines.append(f"readiness report: {page}")
    if inv is not None and inv.notify is not None:
        out.lines += notify.send(inv.notify, run, str(page.resolve()))
    return out
