"""Inventory entries of kind ``prometheus``. File paths are relative to the inventory's folder."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Duration
from .server import Server


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

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fail_on_firing is not None and self.fail_on_firing not in self.severities:
            raise ValueError(f"fail_on_firing {self.fail_on_firing!r} is not in severities {self.severities}")
