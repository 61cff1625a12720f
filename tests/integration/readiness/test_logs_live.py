"""Error storms in real container logs and real log files (locally and over the lab's sshd)."""

from __future__ import annotations

from opsverify import masking
from opsverify.adapters.host import Access
from opsverify.inventory import HostEntry
from opsverify.inventory.logs import LogEntry
from opsverify.lab import readiness
from opsverify.probes import hosts_facts, logs

from .conftest import build

TIMEOUT = 5.0


def test_a_quiet_container_log_passes(lab):
    entry = build(LogEntry, name="api-log", container="lab-api", since="1h")
    verdict = logs.error_rate(entry, logs.gather_container(entry, TIMEOUT))
    assert verdict.ok, verdict.message
    assert "0 of " in verdict.message and "container lab-api" in verdict.message


def test_an_error_storm_shows_count_and_last_lines_with_the_token_masked(lab):
    entry = build(LogEntry, name="sloppy-log", container="lab-sloppy", since="1h", max_matches=5, show=3)
    facts = logs.gather_container(entry, TIMEOUT)
    verdict = logs.error_rate(entry, facts)
    assert not verdict.ok
    assert verdict.message.startswith("sloppy-log: 30 of 32 lines in the last 1h of the log of container lab-sloppy")
    assert ", expected <= 5; last: ERROR payment upstream refused token=*** try=29" in verdict.message
    assert [d.rsplit(" ", 1)[-1] for d in verdict.details] == ["try=27", "try=28", "try=29"]
    text = masking.mask(verdict.message + "\n".join(verdict.details))
    assert readiness.STORM_TOKEN not in text and "token=***" in text


def test_a_log_file_counts_only_the_window(lab):
    entry = build(LogEntry, name="app-log", path=str(lab / "logs" / "app.log"), since="24h")
    verdict = logs.error_rate(entry, logs.gather_file(entry, Access("local://"), TIMEOUT))
    assert verdict.ok, verdict.message  # its only ERROR line is 48h old
    wide = build(LogEntry, name="app-log", path=str(lab / "logs" / "app.log"), since="72h")
    verdict = logs.error_rate(wide, logs.gather_file(wide, Access("local://"), TIMEOUT))
    assert not verdict.ok and "1 of 202 lines in the last 3d" in verdict.message
    assert "disk full on /var (resolved)" in verdict.message


def test_a_storm_in_a_file_over_ssh(lab, ssh_access):
    host = build(HostEntry, name="lab-ssh", **ssh_access)
    entry = build(LogEntry, name="storm", path=str(lab / "logs" / "storm.log"), host="lab-ssh", max_matches=10)
    facts = logs.gather_file(entry, hosts_facts.resolve(entry.host, [host]), TIMEOUT)
    verdict = logs.error_rate(entry, facts)
    assert verdict.message.startswith(f"storm: 40 of 40 lines in the last 1d of {lab}/logs/storm.log on ssh://")
    assert "token=***" in verdict.message and readiness.STORM_TOKEN not in verdict.message


def test_a_missing_log_file_and_an_unknown_host_fail_with_the_reason(lab):
    entry = build(LogEntry, name="gone", path=str(lab / "logs" / "nope.log"))
    verdict = logs.error_rate(entry, logs.gather_file(entry, Access("local://"), TIMEOUT))
    assert verdict.message == f"gone: {lab}/logs/nope.log does not exist or is not readable, expected a log file"
    missing = build(LogEntry, name="gone", container="lab-no-such")
    assert "not found" in logs.error_rate(missing, logs.gather_container(missing, TIMEOUT)).message
