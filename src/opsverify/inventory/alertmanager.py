"""Inventory entries of kind ``alertmanager``. File paths are relative to the inventory's folder."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field

from ..schema import Duration
from .common import Eventually
from .server import Server


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
        if not host.startswith("127.") or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError(f"test_alert.listen must be 127.x.x.x:PORT (loopback only), got {self.listen!r}")


@dataclass(kw_only=True)
class OnCallCoverage:
    """Walk a week in 15-minute slots: for every severity the alert rules use, someone must be notified."""

    location: str = "UTC"  # the time zone the gaps are told in
    rules: list[str] = field(default_factory=list)  # rule files (globs); default: rules.files + Prometheus rule_files

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.location)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"coverage.location: unknown time zone {self.location!r} (e.g. Europe/Berlin)") from None


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
    eventually: Eventually | None = None  # post-deploy: wait for it to answer healthy
    test_alert: AlertRoundTrip = field(default_factory=AlertRoundTrip)
    tests: list[str] = field(default_factory=list)  # Alertmanager test files (globs), run offline as pytest items
    coverage: OnCallCoverage | None = None  # on-call coverage of the config_file (else the live config)
