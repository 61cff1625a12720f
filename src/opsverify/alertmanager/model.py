"""The parts of an Alertmanager configuration that decide who is notified: routes, receivers, inhibit rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .matchers import Matcher, matches_all
from .timeintervals import TimeInterval

DEFAULT_GROUP_WAIT = 30.0
DEFAULT_GROUP_INTERVAL = 300.0
DEFAULT_REPEAT_INTERVAL = 4 * 3600.0


@dataclass
class Route:
    """A routing node with its options already inherited from its parent (dispatch.NewRoute)."""

    number: int  # depth-first position, root = 0 (as people count "route #3")
    line: int
    receiver: str
    group_by: tuple[str, ...]
    group_by_all: bool
    group_wait: float
    group_interval: float
    repeat_interval: float
    matchers: list[Matcher]
    continue_: bool = False
    mute_time_intervals: list[str] = field(default_factory=list)
    active_time_intervals: list[str] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    parent: Route | None = field(default=None, repr=False)

    def match(self, labels: dict[str, str]) -> list[Route]:
        """dispatch.Route.Match: depth-first, first matching child wins unless it says ``continue``."""
        if not matches_all(self.matchers, labels):
            return []
        found: list[Route] = []
        for child in self.routes:
            hits = child.match(labels)
            found.extend(hits)
            if hits and not child.continue_:
                break
        return found or [self]

    def walk(self) -> Iterator[Route]:
        yield self
        for child in self.routes:
            yield from child.walk()

    def label(self) -> str:
        """How a path step reads: ``root``, or the route's matchers (``team=db, severity=~crit.*``)."""
        if self.parent is None:
            return "root"
        return ", ".join(str(m) for m in self.matchers) or f"route #{self.number} (no matchers)"

    def key(self) -> str:
        """dispatch.Route.Key: the parents' keys and this route's sorted matchers, ``{}/{team="db"}``."""
        ms = sorted(self.matchers, key=lambda m: (m.name, m.value, m.op))
        own = "{" + ",".join(f"{m.name}{m.op}{json.dumps(m.value, ensure_ascii=False)}" for m in ms) + "}"
        return own if self.parent is None else f"{self.parent.key()}/{own}"

    def path(self) -> list[Route]:
        node: Route | None = self
        out: list[Route] = []
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    def path_text(self) -> str:
        return " -> ".join(r.label() for r in self.path())

    def group_labels(self, labels: dict[str, str]) -> dict[str, str]:
        """The labels an alert's group is keyed by on this route (all of them with ``...``)."""
        if self.group_by_all:
            return dict(labels)
        return {k: labels[k] for k in self.group_by if k in labels}


@dataclass
class Receiver:
    name: str
    line: int
    integrations: dict[str, list[dict[str, Any]]]  # e.g. {"telegram_configs": [{...}]}, raw YAML


@dataclass
class InhibitRule:
    source: list[Matcher]
    target: list[Matcher]
    equal: list[str]
    name: str
    line: int

    def inhibits(self, target: dict[str, str], firing: list[dict[str, str]]) -> bool:
        return self.source_for(target, firing) is not None

    def source_for(self, target: dict[str, str], firing: list[dict[str, str]]) -> dict[str, str] | None:
        """inhibit.InhibitRule: the target matches, and a firing source (not also a two-sided match) shares
        every ``equal`` label value (absent == empty); that source, or None."""
        if not matches_all(self.target, target):
            return None
        two_sided = matches_all(self.source, target)
        for source in firing:
            if not matches_all(self.source, source):
                continue
            if any(source.get(n, "") != target.get(n, "") for n in self.equal):
                continue
            if two_sided and matches_all(self.target, source):
                continue
            return source
        return None


@dataclass
class Config:
    path: str
    route: Route
    receivers: dict[str, Receiver]
    inhibit_rules: list[InhibitRule]
    time_intervals: dict[str, TimeInterval]
    templates: list[str]  # glob patterns, relative ones resolved against the config's folder
    global_: dict[str, Any]

    def routes(self) -> list[Route]:
        return list(self.route.walk())
