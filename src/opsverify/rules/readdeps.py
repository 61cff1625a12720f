"""Which rules' output each rule reads, precisely enough to keep inhibition-style alerts vectorised.

A selector of ``ALERTS`` / ``ALERTS_FOR_STATE`` reads only the alerting rules whose output its matchers can match:
``alertname`` is the rule's name and a label the rule sets to a fixed value is that value, so
``ALERTS{alertname="Down"}`` reads the rule ``Down`` alone, not every alerting rule (which would force the whole
run onto the step-by-step path). A selector of another name reads the recording rules of that name; a selector that
could match any name, or a template ``query`` built at run time, reads every rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import promql_parser

from opsverify.promql.regex import RegexError, prometheus_matcher

from .deps import children, query_literals, selector_name
from .model import Rule

_ALERT_SERIES = ("ALERTS", "ALERTS_FOR_STATE")


def selectors(node: Any) -> Iterator[Any]:
    """Every vector selector in a parsed expression (inside matrices and subqueries too)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, promql_parser.VectorSelector):
            yield n
            continue
        stack.extend(children(n))


def rule_selectors(rule: Rule) -> list[Any] | None:
    """The selectors a rule's expression and its templates' ``query`` calls use; None: anything (computed query)."""
    found = list(selectors(rule.parsed))
    for text in [*rule.labels.values(), *rule.annotations.values()]:
        for literal in query_literals(text) if "{{" in text else []:
            if literal is None:
                return None
            try:
                found += selectors(promql_parser.parse(literal))
            except Exception:  # an unparsable query fails when it runs; it reads nothing
                continue
    return found


def read_edges(rules: Sequence[Rule]) -> list[set[int]]:
    """For each rule (by index), the indexes of the rules whose output it may read."""
    records: dict[str, set[int]] = {}
    alerts_by_name: dict[str, set[int]] = {}
    for i, rule in enumerate(rules):
        target = records if rule.kind == "record" else alerts_by_name
        target.setdefault(rule.name, set()).add(i)
    all_alerts = {i for ids in alerts_by_name.values() for i in ids}
    everything = set(range(len(rules)))
    edges: list[set[int]] = []
    for rule in rules:
        sels = rule_selectors(rule)
        deps: set[int] = set()
        for sel in sels if sels is not None else [None]:
            name = selector_name(sel) if sel is not None else None
            if name is None:
                deps = everything
                break
            if name in _ALERT_SERIES:
                named = _alertname(sel)
                candidates = alerts_by_name.get(named, set()) if named is not None else all_alerts
                deps |= {j for j in candidates if _may_match(sel, rules[j])}
            else:
                deps |= records.get(name, set())
        edges.append(set(deps))
    return edges


def _op(matcher: Any) -> str:
    return str(matcher.op).rsplit(".", 1)[-1]


def _alertname(sel: Any) -> str | None:
    for m in sel.matchers.matchers:
        if m.name == "alertname" and _op(m) == "Equal":
            return str(m.value)
    return None


def _may_match(sel: Any, rule: Rule) -> bool:
    """Can the ALERTS series of alerting ``rule`` satisfy the selector's matchers? (Unknown labels: yes.)"""
    if getattr(sel.matchers, "or_matchers", None):
        return True
    for m in sel.matchers.matchers:
        if m.name == "alertname":
            value = rule.name
        elif m.name in rule.labels and "{{" not in rule.labels[m.name]:
            value = rule.labels[m.name]
        else:
            continue
        if not _satisfies(_op(m), str(m.value), value):
            return False
    return True


def _satisfies(op: str, pattern: str, value: str) -> bool:
    if op == "Equal":
        return value == pattern
    if op == "NotEqual":
        return value != pattern
    try:
        hit = prometheus_matcher(pattern).fullmatch(value) is not None
    except RegexError:
        return True
    return hit if op == "Re" else not hit
