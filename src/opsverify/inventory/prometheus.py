"""Inventory entries of kind ``prometheus``. File paths are relative to the inventory's folder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import Duration
from .common import Eventually
from .server import Server

_EXPECT = re.compile(r"^\s*(==|!=|>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|Inf|NaN))\s*$")


@dataclass(kw_only=True)
class PromQuery:
    """A live PromQL assertion: ``expr`` evaluated now must satisfy ``expect`` (``"== 1"``, ``"< 0.05"``)."""

    expr: str
    expect: str
    for_each_series: bool = False  # every series returned must satisfy it (else: exactly one value must)

    def __post_init__(self) -> None:
        if not _EXPECT.match(self.expect):
            raise ValueError(f"expect: {self.expect!r} must be a comparison with a number, e.g. '== 1' or '< 0.05'")
        import promql_parser

        try:
            promql_parser.parse(self.expr)
        except Exception as exc:  # promql_parser raises an untyped error
            raise ValueError(f"bad PromQL {self.expr!r}: {exc}") from None

    def comparison(self) -> tuple[str, float]:
        match = _EXPECT.match(self.expect)
        assert match is not None  # checked at load
        return match.group(1), float(match.group(2))


@dataclass(kw_only=True)
class PrometheusEntry(Server):
    """A Prometheus server: health, targets, rules, alerts, retention, TSDB size, config reload, validation."""

    jobs: list[str] | None = None  # scrape jobs to check (each must have >= 1 active target); default: all
    groups: list[str] | None = None  # rule groups to check (errors, firing, dead alerts); default: all
    fail_on_firing: str | None = "critical"  # fail when an alert of this severity or higher fires; null: never
    severities: list[str] = field(default_factory=lambda: ["info", "warning", "critical"])  # lowest first
    severity_label: str = "severity"
    min_retention: Duration | None = None  # --storage.tsdb.retention.time must be set and at least this
    max_head_series: int | None = None
    min_alertmanagers: int | None = None  # at least this many active Alertmanagers receive the alerts
    config_file: str | None = None  # checked with `promtool check config`
    rule_files: list[str] = field(default_factory=list)  # checked with `promtool check rules`, and for dead alerts
    dead_alerts: bool = True  # every selector of every alerting rule must match a series
    lint: bool = False  # `opsverify rules lint` on the rule files, as a check (warning and error findings fail it)
    dead_alert_window: Duration = Duration(3600.0)  # how far back a series counts as existing
    eventually: Eventually | None = None  # post-deploy: wait for healthy, ready, targets up, queries holding
    queries: list[PromQuery] = field(default_factory=list)  # live PromQL assertions
    alerts: list[str] = field(default_factory=list)  # alerting rules that must be loaded, by name
    scrape_interval: Duration | None = None  # the global scrape_interval must be this

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fail_on_firing is not None and self.fail_on_firing not in self.severities:
            raise ValueError(f"fail_on_firing {self.fail_on_firing!r} is not in severities {self.severities}")
