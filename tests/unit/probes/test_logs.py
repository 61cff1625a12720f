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


def test_window_keeps_continuation_lines_with_their_stamp():
    lines = ["2026-01-01T00:00:00Z ERROR old", "  at old()", "2026-01-02T00:00:00Z ERROR new", "  at new()"]
    kept, note = logs.within(lines, logs.parse_stamp("2026-01-01T12:00:00Z x") or 0)
    assert kept == lines[2:] and note == ""
    assert logs.within(["ERROR a", "b"], 1e12) == (["ERROR a", "b"], "no timestamps found: every line read was counted")


def test_storm_verdict_counts_ignores_and_scrubs():
    entry = LogEntry(name="app", path="/x", ignore="healthcheck", max_matches=1, show=2)
    facts = logs.LogFacts("/x on local://")
    lines = ["ERROR a password=hunter2-secret", "ERROR healthcheck", "INFO ok", "ERROR b", "FATAL c"]
    logs._count(entry, facts, lines)
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
