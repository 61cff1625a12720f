"""Alertmanager's routing tree and matchers, read from its configuration (pure; no I/O).

Semantics follow Alertmanager's dispatch: the root route matches every alert; children are tried in order; a
matching child without ``continue: true`` stops the search; a node with no matching child delivers to its own
receiver (inherited from its parent when unset). Matchers: ``match``, ``match_re`` and ``matchers`` strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..promql.regex import alertmanager_matcher

_MATCHER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str  # = != =~ !~
    value: str

    def matches(self, labels: dict[str, str]) -> bool:
        got = labels.get(self.label, "")
        if self.op in ("=", "!="):
            return (got == self.value) == (self.op == "=")
        return alertmanager_matcher(self.value).matches(got) == (self.op == "=~")  # anchored RE2

    def __str__(self) -> str:
        return f"{self.label}{self.op}{json.dumps(self.value)}"


@dataclass
class Route:
    receiver: str
    matchers: list[Matcher] = field(default_factory=list)
    keep_going: bool = False  # `continue: true`
    routes: list[Route] = field(default_factory=list)

    def matches(self, labels: dict[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)


def parse_matcher(text: str) -> Matcher:
    """``severity="critical"``, ``severity=~"warn.*"``, ``team!=ops``; ValueError for anything else."""
    found = _MATCHER.match(text.strip().strip("{}"))
    if found is None:
        raise ValueError(f"bad matcher {text!r}")
    label, op, value = found.groups()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = json.loads(value)
    return Matcher(label, op, value)


def parse_route(doc: dict[str, Any], parent_receiver: str = "") -> Route:
    receiver = str(doc.get("receiver") or parent_receiver)
    matchers = [Matcher(str(k), "=", str(v)) for k, v in (doc.get("match") or {}).items()]
    matchers += [Matcher(str(k), "=~", str(v)) for k, v in (doc.get("match_re") or {}).items()]
    matchers += [parse_matcher(str(m)) for m in doc.get("matchers") or []]
    children = [parse_route(child, receiver) for child in doc.get("routes") or []]
    return Route(receiver, matchers, bool(doc.get("continue", False)), children)


def receivers_for(route: Route, labels: dict[str, str]) -> list[str]:
    """The receivers an alert with ``labels`` is delivered to (the root is taken to match)."""
    found: list[str] = []
    for child in route.routes:
        if child.matches(labels):
            found += receivers_for(child, labels)
            if not child.keep_going:
                break
    return found or [route.receiver]


def integrations(config: dict[str, Any]) -> dict[str, list[str]]:
    """Receiver name -> the integrations it has (``webhook``, ``telegram``, ...); empty means it notifies nobody."""
    out = {}
    for receiver in config.get("receivers") or []:
        kinds = [k.removesuffix("_configs") for k, v in receiver.items() if k.endswith("_configs") and v]
        out[str(receiver.get("name"))] = kinds
    return out
