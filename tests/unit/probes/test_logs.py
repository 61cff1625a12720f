"""Log windows, timestamps and the storm verdict, without a target."""

from __future__ import annotations

import pytest

from opsverify import masking
from opsverify.errors import InventoryError
from opsverify.inventory import load_inventory
from opsverify.inventory.logs import LogEntry
from opsverify.probes import logs


def test_iso_and_syslog_stamps():
    assert logs.parse_stamp("2026-01-02T03:04:05Z x") == 1767323045.0
    assert logs.parse_stamp("[2026-01-02 04:04:05.123+01:00] x") == 1767323045.0
    assert logs.parse_stamp("Jan  2 03:04:05 host app: x") is not None
    assert logs.parse_stamp("no stamp") is None


@pytest.mark.parametrize(
    "line",
    [
        "ts=2026-01-02T03:04:05.000Z caller=main.go:1 level=error msg=x",  # Prometheus 2, Alertmanager
        "level=error ts=2026-01-02T03:04:05.123456789Z caller=x msg=y",  # Loki
        'time=2026-01-02T03:04:05.000Z level=ERROR source=main.go:1 msg="x"',  # Prometheus 3 (slog)
        'logger=sqlstore t=2026-01-02T04:04:05.1+01:00 level=error msg="x"',  # Grafana
        'ts="2026-01-02 03:04:05" level=error',
        '{"@timestamp": "2026-01-02T03:04:05Z", "level": "error"}',  # ECS, logstash
        '{"level": "error", "time": "2026-01-02T03:04:05.000+00:00", "msg": "x"}',
        '{"level": "error", "ts": 1767323045.25, "msg": "x"}',  # zap
        '{"level": 50, "time": 1767323045000, "msg": "x"}',  # bunyan/pino, milliseconds
        '{"ts": 1767323045000000000}',  # nanoseconds
    ],
)
def test_logfmt_and_json_lines_are_placed_in_time(line):
    assert logs.parse_stamp(line) == pytest.approx(1767323045.0, abs=1)


@pytest.mark.parametrize("line", ['{"msg": "no time"}', "{not json", '["ts", 1]', "msg=ts=yesterday"])
def test_lines_without_a_usable_time_have_none(line):
    assert logs.parse_stamp(line) is None


def test_an_old_logfmt_error_leaves_the_window():
    lines = [
        "ts=2026-01-01T00:00:00.000Z level=error msg=old",
        "ts=2026-01-02T00:00:00.000Z level=info msg=new",
    ]
    kept, note = logs.within(lines, logs.parse_stamp("2026-01-01T12:00:00Z") or 0)
    assert (kept, note) == (lines[1:], "")
    entry = LogEntry(name="prom", path="/x", since=3600.0)
    facts = logs.LogFacts("/x on local://")
    logs.count_lines(entry, facts, kept)
    assert logs.error_rate(entry, facts).ok


def test_must_match_needs_a_line_in_the_window():
    entry = LogEntry(name="worker", path="/x", must_match="polling started", since=3600.0)
    facts = logs.LogFacts("/x on local://")
    logs.count_lines(entry, facts, ["INFO boot", "INFO ready"])
    assert logs.required_line(entry, facts).message == (
        "worker: no line in the last 1h of /x on local:// matches /polling started/, expected at least one"
    )
    logs.count_lines(entry, facts, ["INFO polling started every 30s"])
    assert logs.required_line(entry, facts).message == (
        "worker: 1 line(s) in the last 1h of /x on local:// match /polling started/"
    )


def test_window_keeps_continuation_lines_with_their_stamp():
    lines = ["2026-01-01T00:00:00Z ERROR old", "  at old()", "2026-01-02T00:00:00Z ERROR new", "  at new()"]
    kept, note = logs.within(lines, logs.parse_stamp("2026-01-01T12:00:00Z x") or 0)
    assert kept == lines[2:] and note == ""
    assert logs.within(["ERROR a", "b"], 1e12) == (["ERROR a", "b"], "no timestamps found: every line read was counted")


def test_storm_verdict_counts_ignores_and_scrubs():
    entry = LogEntry(name="app", path="/x", ignore="healthcheck", max_matches=1, show=2)
    facts = logs.LogFacts("/x on local://")
    lines = ["ERROR a password=hunter2-secret", "ERROR healthcheck", "INFO ok", "ERROR b", "FATAL c"]
    logs.count_lines(entry, facts, lines)
    verdict = logs.error_rate(entry, facts)
    assert verdict.message.startswith("app: 3 of 5 lines in the last 1d of /x on local:// match ")
    assert verdict.message.endswith(", expected <= 1; last: FATAL c")
    assert verdict.details == ["ERROR b", "FATAL c"]
    assert facts.last[0] == "ERROR a password=***" and masking.mask("hunter2-secret") == "***"


def test_entry_needs_exactly_one_source(tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text("version: 1\nlogs:\n  - name: a\n    container: x\n    path: /y\n")
    with pytest.raises(InventoryError, match=r"inv.yml:3: logs\[0\]: give exactly one of container"):
        load_inventory(inv, environ={})
