from __future__ import annotations

import datetime as dt

import pytest

from opsverify.alertmanager.config import ConfigError, config_from_text
from opsverify.alertmanager.timeintervals import IntervalError, parse_spec

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_times_are_start_inclusive_end_exclusive() -> None:
    spec = parse_spec({"times": [{"start_time": "09:00", "end_time": "17:00"}]})
    assert spec.contains(at("2026-01-05T09:00:00+00:00"))
    assert spec.contains(at("2026-01-05T16:59:59+00:00"))
    assert not spec.contains(at("2026-01-05T17:00:00+00:00"))
    assert not spec.contains(at("2026-01-05T08:59:00+00:00"))


def test_end_time_24_00_covers_the_last_minute() -> None:
    spec = parse_spec({"times": [{"start_time": "23:00", "end_time": "24:00"}]})
    assert spec.contains(at("2026-01-05T23:59:00+00:00")) and not spec.contains(at("2026-01-06T00:00:00+00:00"))


def test_location_converts_the_instant_first() -> None:
    spec = parse_spec(
        {"weekdays": ["saturday"], "times": [{"start_time": "00:00", "end_time": "08:00"}], "location": "Europe/Berlin"}
    )
    assert spec.contains(at("2026-01-09T23:30:00+00:00"))  # Saturday 00:30 in Berlin, Friday in UTC
    assert not spec.contains(at("2026-01-10T07:30:00+00:00"))  # 08:30 in Berlin


def test_negative_days_of_month_count_from_the_end() -> None:
    spec = parse_spec({"days_of_month": ["-1"]})
    assert spec.contains(at("2028-02-29T12:00:00+00:00"))  # leap year: the last day is the 29th
    assert not spec.contains(at("2028-02-28T12:00:00+00:00"))
    assert parse_spec({"days_of_month": ["-7:-1"]}).contains(at("2026-12-25T00:00:00+00:00"))
    assert not parse_spec({"days_of_month": ["-7:-1"]}).contains(at("2026-12-24T23:59:00+00:00"))


def test_weekday_month_and_year_ranges() -> None:
    spec = parse_spec({"weekdays": ["monday:friday"], "months": ["1:3", "december"], "years": ["2026"]})
    assert spec.contains(at("2026-01-05T10:00:00+00:00"))  # Monday, January
    assert not spec.contains(at("2026-01-04T10:00:00+00:00"))  # Sunday
    assert not spec.contains(at("2026-04-06T10:00:00+00:00"))  # April
    assert spec.contains(at("2026-12-07T10:00:00+00:00"))
    assert not spec.contains(at("2027-01-04T10:00:00+00:00"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"weekdays": ["friday:monday"]}, "start day cannot be before end day"),
        ({"days_of_month": ["0"]}, "0 is not a valid day of the month"),
        ({"days_of_month": ["-3:5"]}, "end day must be negative if start day is negative"),
        ({"months": ["march:january"]}, "end month january is before start month march"),
        ({"times": [{"start_time": "10:00", "end_time": "09:00"}]}, "start time cannot be equal or greater"),
        ({"times": [{"start_time": "9:00", "end_time": "10:00"}]}, "couldn't parse timestamp 9:00"),
        ({"location": "Mars/Olympus"}, "unknown time zone Mars/Olympus"),
    ],
)
def test_invalid_fields_are_refused(raw: dict, message: str) -> None:
    with pytest.raises(IntervalError, match=message):
        parse_spec(raw)


def test_config_error_points_at_the_interval_line() -> None:
    text = "route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals:\n  - name: x\n    time_intervals:\n      - weekdays: [funday]\n"
    with pytest.raises(ConfigError, match=r"^am.yml:6: time interval 'x': funday is not a valid weekday"):
        config_from_text(text, "am.yml")


def test_legacy_mute_time_intervals_and_active_intervals(am) -> None:
    config = am("""
        route:
          receiver: default
          routes:
            - {matchers: [team=web], receiver: web, active_time_intervals: [office]}
            - {matchers: [team=db], receiver: db, mute_time_intervals: [weekend]}
        time_intervals:
          - name: office
            time_intervals: [{weekdays: ["monday:friday"], times: [{start_time: "09:00", end_time: "17:00"}]}]
        mute_time_intervals:
          - name: weekend
            time_intervals: [{weekdays: [saturday, sunday]}]
        """)
    from opsverify.alertmanager.pipeline import evaluate

    saturday = at("2026-01-10T10:00:00+00:00")
    web, db = evaluate(config, [{"team": "web"}, {"team": "db"}], saturday)
    assert web.muted_by == ["office"] and db.muted_by == ["weekend"]
    web, db = evaluate(config, [{"team": "web"}, {"team": "db"}], at("2026-01-05T10:00:00+00:00"))
    assert web.notified == ["web"] and db.notified == ["db"]


def test_outside_active_intervals_the_mute_stage_never_runs(am) -> None:
    from opsverify.alertmanager.pipeline import evaluate

    config = am("""
        route:
          receiver: default
          routes:
            - {matchers: [team=web], receiver: web, active_time_intervals: [office, oncall], mute_time_intervals: [weekend]}
        time_intervals:
          - {name: office, time_intervals: [{weekdays: ["monday:friday"], times: [{start_time: "09:00", end_time: "17:00"}]}]}
          - {name: oncall, time_intervals: [{weekdays: [monday]}]}
          - {name: weekend, time_intervals: [{weekdays: [saturday, sunday]}]}
        """)
    (saturday,) = evaluate(config, [{"team": "web"}], at("2026-01-10T10:00:00+00:00"))
    assert saturday.muted_by == ["office", "oncall"]  # as notify/mute.go records it: all active intervals
    (monday_night,) = evaluate(config, [{"team": "web"}], at("2026-01-05T22:00:00+00:00"))
    assert monday_night.notified == ["web"]  # oncall is active
