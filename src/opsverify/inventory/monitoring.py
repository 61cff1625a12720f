"""Monitoring-stack entries: Prometheus, Alertmanager, Grafana (issue 6).

File paths (``config_file``, ``rule_files``) are relative to the inventory file's folder unless absolute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Duration
from .entries import Common


@dataclass(kw_only=True)
class Server(Common):
    """A monitoring server reached over HTTP."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # e.g. Authorization: Bearer ...
    timeout: Duration | None = None  # default: defaults.timeout
    verify_tls: bool = True

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        self.url = self.url.rstrip("/")


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
    dead_alert_window: Duration = Duration(3600.0)  # how far back a series counts as existing

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fail_on_firing is not None and self.fail_on_firing not in self.severities:
            raise ValueError(f"fail_on_firing {self.fail_on_firing!r} is not in severities {self.severities}")


@dataclass(kw_only=True)
class AlertRoundTrip:
    """The opt-in round trip: post a uniquely labelled alert, receive it on ``listen``, then resolve it.

    Alertmanager must route ``alertname=<alertname>`` to a webhook receiver at ``http://<listen>/...``.
    """

    listen: str = "127.0.0.1:19095"
    alertname: str = "OpsverifyTestAlert"
    labels: dict[str, str] = field(default_factory=dict)  # extra labels, e.g. severity: test
    deadline: Duration = Duration(30.0)

    def __post_init__(self) -> None:
        host, _, port = self.listen.rpartition(":")
        if not host.startswith("127.") or not port.isdigit():
            raise ValueError(f"test_alert.listen must be 127.x.x.x:PORT (loopback only), got {self.listen!r}")


@dataclass(kw_only=True)
class AlertmanagerEntry(Server):
    """An Alertmanager: health, routing of each severity to a real receiver, silences, opt-in test alert."""

    # severity label values that must reach a real receiver; default: those of the alerting rules loaded in the
    # inventory's Prometheus servers (critical and warning when it lists none)
    severities: list[str] | None = None
    config_file: str | None = None  # checked with `amtool check-config` (a local copy of the deployed file)
    severity_label: str = "severity"
    max_silence: Duration | None = Duration(7 * 86400.0)  # no active silence may last longer
    send_test_alert: bool = False
    test_alert: AlertRoundTrip = field(default_factory=AlertRoundTrip)


@dataclass(kw_only=True)
class GrafanaEntry(Server):
    """A Grafana: health, datasources present and healthy, dashboards present, default admin password changed."""

    user: str | None = None  # basic auth for the API (or give headers: {Authorization: Bearer <token>})
    password: str | None = field(default=None, repr=False)
    datasources: list[str] = field(default_factory=list)  # by name or uid
    dashboards: list[str] = field(default_factory=list)  # by uid or exact title
    default_admin_refused: bool = True  # a basic-auth login as admin/admin must be refused
