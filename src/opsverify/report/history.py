"""The run history: each run's results appended to a local SQLite file, so reports can say what is new since the
last run, what still fails (since when), what was fixed, and how the last 30 runs went.

- Where: ``history.sqlite`` in the report directory, or ``$OPSVERIFY_HISTORY``.
- Bounded: runs older than ``$OPSVERIFY_HISTORY_DAYS`` (default 90) days are deleted when a run is recorded.
- Scoped: runs are compared only with runs of the same inventory name and environment.
- Shards: runs sharing ``$OPSVERIFY_RUN_ID`` (CI jobs splitting one run) are merged into one run, in one store or
  later with :meth:`History.merge` (a shard's store, e.g. from a CI artifact, into the main one).
- Safe: a file that is not an opsverify history store (not SQLite, another program's SQLite, a newer schema, a
  failed integrity check) raises :class:`HistoryError` and is never replaced; every write is one ``BEGIN IMMEDIATE``
  transaction with a generous busy timeout, so concurrent runs wait for each other instead of corrupting the file.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from collections import defaultdict
from pathlib import Path

from ..severity import SEVERITIES
from .results import CheckResult, FixedCheck, RunResult, TrendPoint

MAGIC = "opsverify-history"
VERSION = 1
DEFAULT_KEEP_DAYS = 90
TREND_RUNS = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS opsverify_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, scope TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    fail_on TEXT NOT NULL, verdict TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_scope ON runs(scope, started_at);
CREATE TABLE IF NOT EXISTS results (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, check_id TEXT NOT NULL, target TEXT NOT NULL,
    kind TEXT NOT NULL, severity TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (run_id, check_id)
);
"""


class HistoryError(Exception):
    """The history store cannot be used; the message names the file and what to do."""


def default_path(report_dir: Path) -> Path:
    return Path(os.environ.get("OPSVERIFY_HISTORY") or report_dir / "history.sqlite")


def keep_days() -> int:
    raw = os.environ.get("OPSVERIFY_HISTORY_DAYS", "")
    try:
        return max(1, int(raw)) if raw else DEFAULT_KEEP_DAYS
    except ValueError:
        raise HistoryError(f"OPSVERIFY_HISTORY_DAYS={raw!r}: expected a number of days") from None


class History:
    def __init__(self, path: Path, keep: int = DEFAULT_KEEP_DAYS) -> None:
        self.path = Path(path)
        self.keep = keep

    def _connect(self) -> sqlite3.Connection:
        existed = self.path.is_file() and self.path.stat().st_size > 0
        if self.path.exists() and not self.path.is_file():
            raise HistoryError(f"history store {self.path}: not a file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            if existed:
                self._verify(con)
            else:
                con.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):  # IF NOT EXISTS: a concurrent first run may have made them
                    if statement.strip():
                        con.execute(statement)
                con.execute(
                    "INSERT OR IGNORE INTO opsverify_meta VALUES ('format', ?), ('version', ?)", (MAGIC, str(VERSION))
                )
                con.execute("COMMIT")
                self._verify(con)
        except BaseException:
            con.close()
            raise
        return con

    def _verify(self, con: sqlite3.Connection) -> None:
        where = f"history store {self.path}"
        advice = "it was left untouched: move it away, or set OPSVERIFY_HISTORY to another file"
        try:
            check = con.execute("PRAGMA quick_check").fetchone()
            meta = dict(con.execute("SELECT key, value FROM opsverify_meta").fetchall())
        except sqlite3.DatabaseError as exc:
            what = "not an opsverify history store" if "no such table" in str(exc) else "not a readable SQLite file"
            raise HistoryError(f"{where}: {what} ({exc}); {advice}") from None
        if check is None or check[0] != "ok":
            raise HistoryError(f"{where}: corrupt (integrity check: {check[0] if check else '?'}); {advice}")
        if meta.get("format") != MAGIC:
            raise HistoryError(f"{where}: not an opsverify history store (no opsverify marker); {advice}")
        if meta.get("version") != str(VERSION):
            raise HistoryError(
                f"{where}: schema version {meta.get('version')!r}, this opsverify reads {VERSION}; {advice}"
            )

    def record(self, run: RunResult) -> None:
        """Append this run (merging into a run with the same id: shards), drop runs older than ``keep`` days, and
        fill in the run's history: each check's change and first-failed-at, what was fixed, the trend."""
        scope = _scope(run)
        cutoff = (datetime.datetime.fromisoformat(run.started_at) - datetime.timedelta(days=self.keep)).isoformat()
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute(
                    "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET "
                    "finished_at = max(finished_at, excluded.finished_at), "
                    "verdict = CASE WHEN verdict = 'FAIL' THEN 'FAIL' ELSE excluded.verdict END",
                    (run.run_id, scope, run.started_at, run.finished_at, run.fail_on, run.verdict),
                )
                con.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(run.run_id, c.id, c.target, c.kind, c.severity, c.outcome, c.reason) for c in run.checks],
                )
                con.execute("DELETE FROM runs WHERE started_at < ?", (cutoff,))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            self._compare(con, run, scope)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"history store {self.path}: {exc}") from None
        finally:
            con.close()

    def _compare(self, con: sqlite3.Connection, run: RunResult, scope: str) -> None:
        rows = con.execute(
            "SELECT r.run_id, runs.started_at, r.check_id, r.target, r.kind, r.severity, r.outcome, r.reason "
            "FROM results r JOIN runs USING (run_id) WHERE runs.scope = ? AND runs.started_at <= ? "
            "AND r.run_id != ? ORDER BY runs.started_at DESC",
            (scope, run.started_at, run.run_id),
        ).fetchall()
        earlier: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # check id -> (started, outcome, reason)
        meta: dict[str, tuple[str, str, str]] = {}
        for _run_id, started, check, target, kind, severity, outcome, reason in rows:
            earlier[check].append((started, outcome, reason))
            meta.setdefault(check, (target, kind, severity))
        for c in run.checks:
            _mark(c, run.started_at, earlier.get(c.id, []))
            past = earlier.get(c.id, [])
            if c.outcome == "passed" and past and past[0][1] == "failed":
                since = _streak_start(past)
                run.fixed.append(FixedCheck(c.id, c.target, c.kind, c.severity, past[0][2], since))
        run.trend = self._trend(con, scope, run.started_at)
        run.history = str(self.path)

    def _trend(self, con: sqlite3.Connection, scope: str, until: str) -> list[TrendPoint]:
        runs = con.execute(
            "SELECT run_id, started_at FROM runs WHERE scope = ? AND started_at <= ? "
            "ORDER BY started_at DESC, run_id DESC LIMIT ?",
            (scope, until, TREND_RUNS),
        ).fetchall()
        points = []
        for run_id, started in reversed(runs):
            counts = con.execute(
                "SELECT severity, outcome, count(*) FROM results WHERE run_id = ? GROUP BY severity, outcome",
                (run_id,),
            ).fetchall()
            failed = dict.fromkeys(SEVERITIES, 0)
            total = passed = 0
            for severity, outcome, n in counts:
                if outcome == "skipped":
                    continue
                total += n
                passed += n if outcome in ("passed", "waived") else 0
                if outcome == "failed":
                    failed[severity] = failed.get(severity, 0) + n
            points.append(TrendPoint(run_id, started, total, passed, failed))
        return points

    def merge(self, other: Path) -> int:
        """Add the runs of another history store (a CI shard's, say) that this one lacks; results of a run both
        have are added where missing (shards sharing a run id). Returns how many runs were added. The other store
        is verified like this one and only read."""
        if not Path(other).is_file() or Path(other).stat().st_size == 0:
            raise HistoryError(f"history store {other}: no such file, or empty (nothing to merge)")
        source = History(other, self.keep)
        check = source._connect()  # verifies it (a foreign or corrupt file is a HistoryError)
        check.close()
        con = self._connect()
        try:
            con.execute("ATTACH DATABASE ? AS other", (str(other),))
            con.execute("BEGIN IMMEDIATE")
            try:
                before = con.execute("SELECT count(*) FROM runs").fetchone()[0]
                con.execute("INSERT OR IGNORE INTO runs SELECT * FROM other.runs")
                con.execute("INSERT OR IGNORE INTO results SELECT * FROM other.results")
                added = con.execute("SELECT count(*) FROM runs").fetchone()[0] - before
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("DETACH DATABASE other")
            return int(added)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"history store {self.path}: merging {other}: {exc}") from None
        finally:
            con.close()

    def runs(self) -> int:
        con = self._connect()
        try:
            return int(con.execute("SELECT count(*) FROM runs").fetchone()[0])
        finally:
            con.close()


def _scope(run: RunResult) -> str:
    return f"{run.name}|{run.environment or ''}"


def _mark(check: CheckResult, started: str, past: list[tuple[str, str, str]]) -> None:
    if check.outcome != "failed":
        return
    if not past or past[0][1] != "failed":
        check.change, check.first_failed_at = "new", started
    else:
        check.change, check.first_failed_at = "still-failing", _streak_start(past)


def _streak_start(past: list[tuple[str, str, str]]) -> str | None:
    """The start of the failing streak that ``past`` (newest first) begins with."""
    since = None
    for started, outcome, _ in past:
        if outcome != "failed":
            break
        since = started
    return since
