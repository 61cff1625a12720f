"""Oracle: a real Alertmanager (Debian's 0.25, our own process) against our inhibition, time intervals and routing.

Alerts are posted to ``/api/v2/alerts``; Alertmanager's ``status.inhibitedBy`` and ``receivers`` are compared with ours,
and the webhook bodies it sends show who is really notified (0.25's API has no ``mutedBy``: muting shows as a
notification that never comes). Time intervals are written around the wall clock of the run, in a time zone where it
is daytime (so a run cannot straddle a local midnight).
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from opsverify.alertmanager.config import load_config
from opsverify.alertmanager.pipeline import evaluate
from opsverify.alertmanager.timeintervals import WEEKDAYS

from .live_am import BINARY, alertmanager, get_alerts, get_groups, post_alerts, webhook_sink

ZONES = ["Asia/Tokyo", "Europe/Berlin", "America/New_York", "Pacific/Auckland"]


def zone_for(now: dt.datetime) -> str:
    """A time zone where it is between 03:00 and 21:00, so the run cannot straddle a local midnight."""
    return next(z for z in ZONES if 3 <= now.astimezone(ZoneInfo(z)).hour < 21)


RECEIVERS = ["default", "night", "never-reached", "day", "muted-branch", "open-branch", "db"]
ALERTS = [
    {"alertname": "DBDown", "severity": "critical", "team": "db", "cluster": "a"},
    {"alertname": "DBSlow", "severity": "warning", "team": "db", "cluster": "a"},  # inhibited (same cluster)
    {"alertname": "DBSlow", "severity": "warning", "team": "db", "cluster": "b"},  # no critical in b
    {"alertname": "Other", "severity": "critical", "team": "other"},  # no cluster label...
    {"alertname": "DBLag", "severity": "warning", "team": "db"},  # ...so it inhibits this one (missing == empty)
    {"alertname": "NodeDown", "node": "n1", "team": "db"},  # matches both sides: not inhibited by itself
    {"alertname": "NodeLoad", "node": "n1", "team": "db"},  # inhibited by NodeDown n1
    {"alertname": "NodeDown", "node": "n2", "team": "db", "x": "1"},  # both two-sided: neither inhibits
    {"alertname": "NodeDown", "node": "n2", "team": "db", "x": "2"},
    {"alertname": "CoreDown", "tier": "core", "site": "s1"},  # two-sided, listed before the source-only one:
    {"alertname": "CoreSlow", "tier": "core", "site": "s1"},  # both inhibited by EdgeDown (0.30-0.34.0 differ)
    {"alertname": "EdgeDown", "tier": "core", "site": "s1"},
    {"alertname": "Night", "team": "night"},  # muted route ends matching
    {"alertname": "Day", "team": "day"},  # outside its active interval
    {"alertname": "Both", "team": "both"},  # muted branch + an open sibling via continue
]


def intervals_yaml(now: dt.datetime) -> str:
    zone = zone_for(now)
    local = now.astimezone(ZoneInfo(zone))
    days = calendar.monthrange(local.year, local.month)[1]
    from_end = local.day - days - 1  # today's negative day of month
    weekday = WEEKDAYS[(local.weekday() + 1) % 7]
    others = [d for d in WEEKDAYS if d != weekday]
    minute = local.hour * 60 + local.minute
    times = ""
    if 90 <= minute <= 22 * 60:
        start, end = minute - 60, minute + 60
        times = f'\n        times: [{{start_time: "{start // 60:02d}:{start % 60:02d}", end_time: "{end // 60:02d}:{end % 60:02d}"}}]'
    return f"""
time_intervals:
  - name: now-window
    time_intervals:
      - location: {zone}
        weekdays: [{weekday}]
        days_of_month: ["{from_end}:-1"]
        months: ["{calendar.month_name[local.month].lower()}"]
        years: ["{local.year}"]{times}
  - name: elsewhen
    time_intervals:
      - years: ["{local.year + 1}:{local.year + 2}"]
  - name: this-weekday
    time_intervals:
      - {{weekdays: [{weekday}], location: {zone}}}
  - name: other-days
    time_intervals:
      - {{weekdays: [{", ".join(others)}], location: {zone}}}
"""


def config_yaml(hook: str, now: dt.datetime) -> str:
    receivers = "\n".join(f"  - name: {r}\n    webhook_configs: [{{url: '{hook}'}}]" for r in RECEIVERS)
    return f"""
route:
  receiver: default
  group_by: ['...']
  group_wait: 2s  # the whole batch (and its inhibition sources) is in before the first flush
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - {{matchers: [team="night"], receiver: night, mute_time_intervals: [now-window], group_by: [team]}}
    - {{matchers: [team="night"], receiver: never-reached}}
    - {{matchers: [team="day"], receiver: day, active_time_intervals: [elsewhen]}}
    - {{matchers: [team="both"], receiver: muted-branch, continue: true, mute_time_intervals: [this-weekday]}}
    - {{matchers: [team="both"], receiver: open-branch, mute_time_intervals: [other-days]}}
    - {{matchers: [team="db"], receiver: db, group_by: [alertname, cluster]}}
receivers:
{receivers}
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
  - source_matchers: [alertname="NodeDown"]
    target_matchers: ['alertname=~"Node.*"']
    equal: [node]
  - source_matchers: [tier="core"]
    target_matchers: ['alertname=~"Core.*"']
    equal: [site]
{intervals_yaml(now)}"""


def _key(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


def _settled(sink, want: int) -> dict:  # type: ignore[no-untyped-def]
    """Wait until as many alerts were notified as we expect, then a little longer for any extra one."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum(len(v) for v in sink.notified().values()) < want:
        time.sleep(0.2)
    time.sleep(2.5)
    return sink.notified()


def _grouping_problems(ours: dict, groups: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """Every (receiver, group labels) an alert is in at Alertmanager is what our routes' group_by give."""
    theirs: dict[tuple[tuple[str, str], ...], set[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    for group in groups:
        for alert in group["alerts"]:
            entry = (group["receiver"]["name"], _key(group["labels"]))
            theirs.setdefault(_key(alert["labels"]), set()).add(entry)
    problems = []
    for key, outcome in ours.items():
        mine = {(d.receiver, _key(d.route.group_labels(outcome.labels))) for d in outcome.deliveries}
        if theirs.get(key, set()) != mine:
            problems.append(f"{key}: groups AM={sorted(theirs.get(key, set()))} ours={sorted(mine)}")
    return problems


@pytest.fixture(scope="module")
def binary() -> str:
    if not Path(BINARY).exists():
        pytest.skip("prometheus-alertmanager not installed (Debian package prometheus-alertmanager)")
    return BINARY


def test_inhibition_and_muting_agree_with_live_alertmanager(binary: str, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    with webhook_sink() as (hook, sink):
        path = tmp_path / "alertmanager.yml"
        path.write_text(config_yaml(hook, now), encoding="utf-8")
        ours = {_key(o.labels): o for o in evaluate(load_config(path), ALERTS, now)}
        storage = tmp_path / "data"
        storage.mkdir()
        with alertmanager(path, storage) as url:
            post_alerts(url, ALERTS, dt.timedelta(minutes=10))
            expected_count = sum(len(o.notified) for o in ours.values())
            notified = _settled(sink, expected_count)
            theirs = {_key(a["labels"]): a for a in get_alerts(url)}
            groups = get_groups(url)
            post_alerts(url, ALERTS, -dt.timedelta(seconds=1))  # resolve them
    assert set(theirs) == set(ours)
    problems = []
    for key, outcome in ours.items():
        am = theirs[key]
        if bool(am["status"]["inhibitedBy"]) != bool(outcome.inhibited_by):
            problems.append(f"{key}: inhibited AM={am['status']['inhibitedBy']} ours={outcome.inhibited_by}")
        if sorted({r["name"] for r in am["receivers"]}) != sorted(set(outcome.receivers)):
            problems.append(f"{key}: receivers AM={am['receivers']} ours={outcome.receivers}")
        got = sorted(r for r, keys in notified.items() if key in keys)
        if got != sorted(outcome.notified):
            problems.append(f"{key}: notified AM={got} ours={outcome.notified} (muted by {outcome.muted_by})")
    problems += _grouping_problems(ours, groups)
    assert not problems, "\n".join(problems)
    # the scenario really exercises both mechanisms (else agreement would prove little)
    assert sum(bool(o.inhibited_by) for o in ours.values()) == 5
    assert {m for o in ours.values() for m in o.muted_by} == {"now-window", "elsewhen", "this-weekday"}


def test_coverage_of_the_running_config(binary: str, tmp_path: Path) -> None:
    """The inventory check reads a live Alertmanager's loaded config from /api/v2/status and walks it."""
    from opsverify.alertmanager.inventory_check import coverage_problems

    root = Path(__file__).resolve().parents[3] / "fixtures"
    config = tmp_path / "am.yml"  # the planted gap, with templates that resolve from tmp_path
    gap = (root / "alertmanager" / "mutated" / "coverage-gap.yml").read_text(encoding="utf-8")
    config.write_text(gap.replace("../templates/", str(root / "alertmanager" / "templates") + "/"), encoding="utf-8")
    storage = tmp_path / "data"
    storage.mkdir()
    rules = [root / "rules" / "stack-alerts.yml"]
    with alertmanager(config, storage) as url:
        live = coverage_problems(url=url, rule_files=rules, location="Europe/Berlin")
    offline = coverage_problems(config_file=config, rule_files=rules, location="Europe/Berlin")
    assert live == offline and len(live) == 5
    assert live[0].startswith("severity=warning alertname=DiskAlmostFull: nobody is notified Mon 18:00-Tue 08:00")


def test_no_alertmanager_is_a_clear_error() -> None:
    from opsverify.alertmanager.live import LiveConfigError, fetch_config

    from .live_am import free_port

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(LiveConfigError, match=rf"^{url}/api/v2/status: ConnectError"):
        fetch_config(url, timeout=2.0)
