from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from opsverify.alertmanager.config import load_config
from opsverify.alertmanager.coverage import coverage_report, gaps, rule_label_sets, span
from opsverify.cli import main

ROOT = Path(__file__).resolve().parents[3]
RULES = [ROOT / "fixtures" / "rules" / "stack-alerts.yml"]
LAB = ROOT / "fixtures" / "alertmanager" / "alertmanager.yml"
GAP = ROOT / "fixtures" / "alertmanager" / "mutated" / "coverage-gap.yml"


def test_rule_label_sets_are_the_static_labels_with_alertname() -> None:
    sets = rule_label_sets(RULES)
    assert {"alertname": "APIDown", "severity": "critical"} in sets
    assert len(sets) == 7


def test_the_lab_config_covers_every_rule_all_week() -> None:
    assert coverage_report(load_config(LAB), rule_label_sets(RULES), "Europe/Berlin") == []


def test_the_planted_gap_is_found_with_its_reason() -> None:
    lines = coverage_report(load_config(GAP), rule_label_sets(RULES), "Europe/Berlin")
    reason = '(route #3 muted by "offhours", continue=false)'
    assert (
        lines[0]
        == f"severity=warning alertname=DiskAlmostFull: nobody is notified Mon 18:00-Tue 08:00 Europe/Berlin {reason}"
    )
    assert (
        lines[-1]
        == f"severity=warning alertname=DiskAlmostFull: nobody is notified Fri 18:00-Mon 08:00 Europe/Berlin {reason}"
    )
    assert len(lines) == 5  # four weeknights and one weekend; critical BackupTooOld still pages


def test_a_receiver_without_integration_covers_nothing(am) -> None:
    config = am("""
        route:
          receiver: default
          routes:
            - {matchers: [team=db], receiver: blackhole}
        receivers:
          - name: default
            webhook_configs: [{url: "http://127.0.0.1:1/"}]
          - name: blackhole
        """)
    (gap,) = gaps(config, {"team": "db", "severity": "critical"})
    assert gap.line("UTC") == (
        'severity=critical team=db: nobody is notified all week (route #1 receiver "blackhole" has no integration)'
    )
    assert gaps(config, {"team": "web"}) == []


def test_span_formats() -> None:
    z = ZoneInfo("UTC")
    sat = dt.datetime(2026, 1, 10, 0, 0, tzinfo=z)
    assert span(sat, sat + dt.timedelta(hours=8)) == "Sat 00:00-08:00"
    assert span(sat + dt.timedelta(hours=20), sat + dt.timedelta(days=1)) == "Sat 20:00-24:00"
    assert span(sat - dt.timedelta(hours=6), sat + dt.timedelta(days=2, hours=8)) == "Fri 18:00-Mon 08:00"


def test_cli_exit_codes(capsys) -> None:
    args = ["alertmanager", "coverage", "--rules", str(RULES[0]), "--location", "Europe/Berlin", "--config"]
    assert main([*args, str(LAB)]) == 0
    assert capsys.readouterr().out == "covered: 7 alert label sets, every 15 minutes\n"
    assert main([*args, str(GAP)]) == 1
    assert main([*args, str(LAB), "--week", "someday"]) == 4


def test_inventory_entry_function_reads_a_file_config() -> None:
    import pytest

    from opsverify.alertmanager.inventory_check import coverage_problems

    assert coverage_problems(config_file=GAP, rule_files=RULES, location="Europe/Berlin")[-1].endswith(
        'Fri 18:00-Mon 08:00 Europe/Berlin (route #3 muted by "offhours", continue=false)'
    )
    with pytest.raises(ValueError, match="needs config_file or url"):
        coverage_problems(rule_files=RULES)


def test_a_dst_week_is_walked_in_local_time() -> None:
    from opsverify.alertmanager.coverage import week_slots

    slots, end = week_slots(dt.date(2026, 3, 23), ZoneInfo("Europe/Berlin"))  # clocks go forward on Sunday the 29th
    assert len(slots) == 7 * 96 - 4
    assert end.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") == "Mon 00:00"
    lines = coverage_report(load_config(GAP), rule_label_sets(RULES), "Europe/Berlin", dt.date(2026, 3, 23))
    assert lines[-1].split(": ", 1)[1].startswith("nobody is notified Fri 18:00-Mon 08:00 Europe/Berlin")


def test_outside_an_active_interval_reads_as_such(am) -> None:
    config = am("""
        route:
          receiver: blackhole
          routes:
            - {matchers: [team=web], receiver: web, active_time_intervals: [office]}
        time_intervals:
          - name: office
            time_intervals: [{weekdays: ["monday:friday"]}]
        receivers:
          - name: blackhole
          - name: web
            webhook_configs: [{url: "http://127.0.0.1:1/"}]
        """)
    (gap,) = gaps(config, {"team": "web"})
    assert (
        gap.line("UTC")
        == 'team=web: nobody is notified Sat 00:00-Mon 00:00 UTC (route #1 outside "office", continue=false)'
    )
