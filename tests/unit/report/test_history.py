"""The SQLite history: new / still failing since / fixed / trend, bounded, shards merged, refusing foreign files,
safe under concurrent runs."""

from __future__ import annotations

import datetime
import multiprocessing
import sqlite3

import pytest

from opsverify.report.history import History, HistoryError

from .conftest import make_run

DAY = datetime.timedelta(days=1)


def test_new_still_failing_since_and_fixed(tmp_path, t0):
    h = History(tmp_path / "h.sqlite")
    h.record(make_run([("a[x]", "critical", "passed"), ("b[y]", "warning", "failed")], at=t0))
    second = make_run([("a[x]", "critical", "failed"), ("b[y]", "warning", "failed")], at=t0 + DAY)
    h.record(second)
    a, b = second.checks
    assert (a.change, a.first_failed_at) == ("new", (t0 + DAY).isoformat())
    assert (b.change, b.first_failed_at) == ("still-failing", t0.isoformat())
    third = make_run([("a[x]", "critical", "passed"), ("b[y]", "warning", "failed")], at=t0 + 2 * DAY)
    h.record(third)
    assert [(f.id, f.failing_since, f.last_reason) for f in third.fixed] == [
        ("a[x]", (t0 + DAY).isoformat(), "x: is down")
    ]
    assert third.checks[1].first_failed_at == t0.isoformat()  # the streak goes on


def test_a_check_absent_from_the_previous_run_compares_with_its_own_last_run(tmp_path, t0):
    h = History(tmp_path / "h.sqlite")
    h.record(make_run([("a[x]", "critical", "failed")], at=t0))
    h.record(make_run([("other[z]", "critical", "passed")], at=t0 + DAY))  # a smoke run without a[x]
    third = make_run([("a[x]", "critical", "failed")], at=t0 + 2 * DAY)
    h.record(third)
    assert third.checks[0].change == "still-failing" and third.checks[0].first_failed_at == t0.isoformat()


def test_trend_is_the_last_30_runs_oldest_first(tmp_path, t0):
    h = History(tmp_path / "h.sqlite")
    last = None
    for i in range(35):
        outcome = "failed" if i % 5 == 0 else "passed"
        last = make_run([("a[x]", "critical", outcome), ("b[y]", "info", "passed")], at=t0 + i * DAY)
        h.record(last)
    assert last is not None and len(last.trend) == 30
    assert last.trend[0].started_at == (t0 + 5 * DAY).isoformat() and last.trend[-1].run_id == last.run_id
    assert last.trend[0].failed["critical"] == 1 and last.trend[0].pass_ratio == 0.5
    assert last.trend[-1].pass_ratio == 1.0


def test_runs_older_than_the_kept_days_are_deleted(tmp_path, t0):
    h = History(tmp_path / "h.sqlite", keep=7)
    for i in range(20):
        h.record(make_run([("a[x]", "critical", "passed")], at=t0 + i * DAY))
    con = sqlite3.connect(tmp_path / "h.sqlite")
    oldest = con.execute("SELECT min(started_at) FROM runs").fetchone()[0]
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 8  # days 12..19
    assert oldest == (t0 + 12 * DAY).isoformat()
    assert con.execute("SELECT count(*) FROM results").fetchone()[0] == 8  # results go with their runs
    con.close()


def test_runs_of_other_inventories_or_environments_are_not_compared(tmp_path, t0):
    h = History(tmp_path / "h.sqlite")
    h.record(make_run([("a[x]", "critical", "failed")], at=t0, environment="staging"))
    prod = make_run([("a[x]", "critical", "failed")], at=t0 + DAY, environment="prod")
    h.record(prod)
    assert prod.checks[0].change == "new" and len(prod.trend) == 1


def test_shards_with_one_run_id_merge_into_one_run(tmp_path, t0):
    h = History(tmp_path / "h.sqlite")
    h.record(make_run([("a[x]", "critical", "passed")], at=t0, run_id="ci-42"))
    shard2 = make_run([("b[y]", "warning", "failed")], at=t0, run_id="ci-42")
    h.record(shard2)
    assert len(shard2.trend) == 1 and shard2.trend[0].total == 2 and shard2.trend[0].failed["warning"] == 1
    con = sqlite3.connect(tmp_path / "h.sqlite")
    assert con.execute("SELECT verdict FROM runs").fetchall() == [("FAIL",)]
    con.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"SQLite format 3\x00" + b"\xff" * 2000, "not a readable SQLite file"),
        (b"just some text\n" * 100, "not a readable SQLite file"),
    ],
)
def test_a_corrupt_file_is_a_clear_error_and_never_replaced(tmp_path, t0, content, message):
    path = tmp_path / "h.sqlite"
    path.write_bytes(content)
    with pytest.raises(HistoryError, match=message) as info:
        History(path).record(make_run([("a[x]", "critical", "passed")], at=t0))
    assert str(path) in str(info.value) and "left untouched" in str(info.value)
    assert path.read_bytes() == content


def test_another_programs_sqlite_file_is_refused(tmp_path, t0):
    path = tmp_path / "h.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (t TEXT)")
    con.execute("INSERT INTO notes VALUES ('mine')")
    con.commit()
    con.close()
    with pytest.raises(HistoryError, match="not an opsverify history store"):
        History(path).record(make_run([("a[x]", "critical", "passed")], at=t0))
    con = sqlite3.connect(path)
    assert con.execute("SELECT t FROM notes").fetchall() == [("mine",)]
    con.close()


def test_a_newer_schema_is_refused(tmp_path, t0):
    path = tmp_path / "h.sqlite"
    History(path).record(make_run([("a[x]", "critical", "passed")], at=t0))
    con = sqlite3.connect(path)
    con.execute("UPDATE opsverify_meta SET value = '2' WHERE key = 'version'")
    con.commit()
    con.close()
    with pytest.raises(HistoryError, match="schema version '2', this opsverify reads 1"):
        History(path).record(make_run([("a[x]", "critical", "passed")], at=t0 + DAY))


def _record_many(path: str, worker: int, runs: int) -> None:
    base = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    h = History(__import__("pathlib").Path(path))
    for i in range(runs):
        at = base + datetime.timedelta(minutes=i, seconds=worker)
        checks = [(f"c{n}[w{worker}]", "critical", "failed" if (i + n) % 3 == 0 else "passed") for n in range(20)]
        h.record(make_run(checks, at=at, run_id=f"w{worker}-{i}"))


def test_concurrent_runs_do_not_corrupt_the_store(tmp_path):
    path = tmp_path / "h.sqlite"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_record_many, args=(str(path), w, 15)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 60
    assert con.execute("SELECT count(*) FROM results").fetchone()[0] == 60 * 20
    con.close()


def test_a_shards_store_merges_into_the_main_one_later(tmp_path, t0):
    main, shard = History(tmp_path / "main.sqlite"), History(tmp_path / "shard.sqlite")
    main.record(make_run([("a[x]", "critical", "passed")], at=t0))
    main.record(make_run([("a[x]", "critical", "passed")], at=t0 + DAY, run_id="ci-2"))
    shard.record(make_run([("b[y]", "warning", "failed")], at=t0 + DAY, run_id="ci-2"))  # the other shard of ci-2
    shard.record(make_run([("b[y]", "warning", "failed")], at=t0 + 2 * DAY, run_id="ci-3"))
    before = (tmp_path / "shard.sqlite").read_bytes()
    assert main.merge(tmp_path / "shard.sqlite") == 1  # ci-3; ci-2 existed, its missing results are added
    assert main.merge(tmp_path / "shard.sqlite") == 0  # idempotent
    assert (tmp_path / "shard.sqlite").read_bytes() == before
    fourth = make_run([("a[x]", "critical", "passed"), ("b[y]", "warning", "passed")], at=t0 + 3 * DAY)
    main.record(fourth)
    assert [f.id for f in fourth.fixed] == ["b[y]"] and fourth.fixed[0].failing_since == (t0 + DAY).isoformat()
    assert [p.total for p in fourth.trend] == [1, 2, 1, 2]


def test_merging_a_foreign_file_is_refused(tmp_path, t0):
    main = History(tmp_path / "main.sqlite")
    main.record(make_run([("a[x]", "critical", "passed")], at=t0))
    (tmp_path / "junk.sqlite").write_text("junk\n" * 100)
    with pytest.raises(HistoryError, match=r"junk\.sqlite: not a readable SQLite file"):
        main.merge(tmp_path / "junk.sqlite")


def test_merging_a_missing_file_creates_nothing(tmp_path):
    with pytest.raises(HistoryError, match="no such file"):
        History(tmp_path / "main.sqlite").merge(tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()
