"""What Alertmanager does with a set of alerts firing together at one instant: route, inhibit, apply time intervals.

Per route the notification pipeline is inhibition -> active time intervals -> mute time intervals (notify.go); a route
that matched but is muted still ends matching, so nobody else gets the alert. Silences are out of scope (none offline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .model import Config, Route

# The documented default instant for tests without `at`: a Monday, 10:00 UTC (office hours in most of Europe).
DEFAULT_AT = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


@dataclass
class Delivery:
    """One route an alert reached, and whether time intervals hold its notifications back at the instant."""

    route: Route
    muted_by: list[str] = field(default_factory=list)  # mute intervals in effect, or active intervals not in effect

    @property
    def receiver(self) -> str:
        return self.route.receiver


@dataclass
class Outcome:
    labels: dict[str, str]
    deliveries: list[Delivery]
    inhibit_sources: list[tuple[str, dict[str, str]]]  # (rule name, a source alert) per inhibiting rule
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def inhibited_by(self) -> list[str]:
        """Names of the inhibit rules that hold it back (Alertmanager records the first one's source)."""
        return [name for name, _ in self.inhibit_sources]

    @property
    def receivers(self) -> list[str]:
        """Routed receivers in order, as ``amtool config routes test`` prints them."""
        return [d.receiver for d in self.deliveries]

    @property
    def muted_by(self) -> list[str]:
        return sorted({name for d in self.deliveries for name in d.muted_by})

    @property
    def notified(self) -> list[str]:
        """Receivers that really get a notification: not inhibited, route not muted."""
        if self.inhibited_by:
            return []
        return [d.receiver for d in self.deliveries if not d.muted_by]


def route_muted_by(config: Config, route: Route, at: dt.datetime) -> list[str]:
    """TimeActiveStage then TimeMuteStage for one route at ``at``: the interval names that hold it back.

    Outside every active interval the route is held back by all of them (and the mute stage never runs);
    otherwise by the mute intervals that contain ``at`` (notify/mute.go).
    """
    intervals = config.time_intervals
    active = route.active_time_intervals
    if active and not any(intervals[n].contains(at) for n in active):
        return list(active)
    return [n for n in route.mute_time_intervals if intervals[n].contains(at)]


def inhibit_sources(
    config: Config, labels: dict[str, str], firing: list[dict[str, str]]
) -> list[tuple[str, dict[str, str]]]:
    found = ((rule.name, rule.source_for(labels, firing)) for rule in config.inhibit_rules)
    return [(name, source) for name, source in found if source is not None]


def evaluate(config: Config, alerts: list[dict[str, str]], at: dt.datetime = DEFAULT_AT) -> list[Outcome]:
    """Every alert of ``alerts`` fires together (each may inhibit the others) at ``at``."""
    out = []
    for labels in alerts:
        deliveries = [Delivery(r, route_muted_by(config, r, at)) for r in config.route.match(labels)]
        out.append(Outcome(labels, deliveries, inhibit_sources(config, labels, alerts)))
    return out


def route_alert(config: Config, labels: dict[str, str]) -> list[Route]:
    return config.route.match(labels)
