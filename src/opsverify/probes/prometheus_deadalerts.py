"""Dead alerts: an alerting rule whose expression selects series nobody exports can never fire.

Every metric selector of every alerting rule (loaded in the live Prometheus, and in the rule files the entry
lists) is extracted with promql-parser and asked for in ``/api/v1/series`` over a time window. Not flagged:
selectors inside ``absent(...)``/``absent_over_time(...)`` (absence is the point) and the other side of an
intentional ``... or vector(<number>)``, and Prometheus' own ``ALERTS``/``ALERTS_FOR_STATE`` (they exist only while
an alert is pending or firing).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from ..adapters.jsonapi import JsonApi, api_error
from ..inventory.prometheus import PrometheusEntry
from ..verdict import Verdict, shorten
from . import prometheus_promql
from .prometheus_promtool import expand

ABSENCE = {"absent", "absent_over_time"}
ALERT_SERIES = {"ALERTS", "ALERTS_FOR_STATE"}  # exist only while some alert fires: meta-alerts are not dead
SERIES_WORKERS = 8  # series queries in flight per Prometheus
_OPS = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}


@dataclass(frozen=True)
class Selector:
    text: str  # name{label="v"} without offset/@
    name: str | None


@dataclass
class AlertRule:
    name: str
    group: str
    expr: str
    source: str  # "live" or the rule file
    selectors: list[Selector] = field(default_factory=list)
    error: str | None = None  # the expression does not parse


@dataclass
class DeadAlertFacts:
    url: str
    error: str | None = None
    rules: list[AlertRule] = field(default_factory=list)
    series: dict[str, int] = field(default_factory=dict)  # selector or {__name__="x"} -> series found (0 or more)


def selectors(expr: str) -> list[Selector]:
    """The selectors of ``expr`` that must match something; ValueError when it does not parse."""
    node = prometheus_promql.parse(expr)
    found: list[Selector] = []
    _walk(node, found)
    return [s for s in dict.fromkeys(found) if s.name not in ALERT_SERIES]


def _walk(node: Any, out: list[Selector]) -> None:
    kind = type(node).__name__
    if kind == "VectorSelector":
        out.append(_selector(node))
    elif kind == "MatrixSelector":
        out.append(_selector(node.vector_selector))
    elif kind == "Call":
        if node.func.name not in ABSENCE:
            for arg in node.args:
                _walk(arg, out)
    elif kind == "BinaryExpr":
        if str(node.op).lower() == "or" and (_is_vector_literal(node.lhs) or _is_vector_literal(node.rhs)):
            return  # `x or vector(0)`: x may be absent on purpose
        _walk(node.lhs, out)
        _walk(node.rhs, out)
    elif kind in ("AggregateExpr", "ParenExpr", "UnaryExpr", "SubqueryExpr"):
        _walk(node.expr, out)
        if getattr(node, "param", None) is not None:
            _walk(node.param, out)


def _is_vector_literal(node: Any) -> bool:
    while type(node).__name__ == "ParenExpr":
        node = node.expr
    return (
        type(node).__name__ == "Call"
        and node.func.name == "vector"
        and all(type(a).__name__ == "NumberLiteral" for a in node.args)
    )


def _selector(node: Any) -> Selector:
    parts = [f"{m.name}{_OPS[str(m.op).rsplit('.', 1)[-1]]}{json.dumps(m.value)}" for m in node.matchers.matchers]
    name = node.name or None
    braces = f"{{{','.join(parts)}}}" if parts or not name else ""
    return Selector(f"{name or ''}{braces}", name)


def name_query(name: str) -> str:
    return f'{{__name__="{name}"}}'


def gather(
    entry: PrometheusEntry, timeout: float, base_dir: Path, transport: httpx.BaseTransport | None = None
) -> DeadAlertFacts:
    facts = DeadAlertFacts(entry.url)
    with JsonApi(entry.url, timeout, entry.headers, entry.verify_tls, transport) as api:
        answer = api.get("/api/v1/rules", {"type": "alert"})
        problem = api_error(answer, "GET /api/v1/rules")
        if problem:
            facts.error = f"{entry.url}: {problem}"
            return facts
        facts.rules = live_rules(answer.doc, entry) + file_rules(entry, base_dir)
        window = (time.time() - entry.dead_alert_window, time.time())
        with ThreadPoolExecutor(max_workers=SERIES_WORKERS) as pool:
            found = list(pool.map(lambda q: (q, _series(api, q, window)), _queries(facts.rules)))
    problems = [count for _, count in found if isinstance(count, str)]
    if problems:
        facts.error = f"{entry.url}: {problems[0]}"
    facts.series = {q: count for q, count in found if isinstance(count, int)}
    return facts


def _series(api: JsonApi, query: str, window: tuple[float, float]) -> int | str:
    """How many series ``query`` matches in the window (at most 1 where the server honours ``limit``), or why not."""
    got = api.get("/api/v1/series", {"match[]": query, "start": window[0], "end": window[1], "limit": 1})
    problem = api_error(got, f"GET /api/v1/series?match[]={query}")
    if problem or not isinstance(got.doc, dict):
        return problem or f"GET /api/v1/series?match[]={query}: not a Prometheus API answer"
    return len(got.doc.get("data") or [])


def _queries(rules: list[AlertRule]) -> list[str]:
    """Each selector once; the bare metric name too, to tell an absent metric from a label filter."""
    out: dict[str, None] = {}
    for sel in (s for r in rules for s in r.selectors):
        out[sel.text] = None
        if sel.name is not None:
            out[name_query(sel.name)] = None
    return list(out)


def live_rules(doc: Any, entry: PrometheusEntry) -> list[AlertRule]:
    rules = []
    for group in (doc.get("data") or {}).get("groups", []):
        if entry.groups is not None and group.get("name") not in entry.groups:
            continue
        for r in group.get("rules", []):
            if r.get("type") == "alerting":
                rules.append(_rule(r.get("name", "?"), group.get("name", "?"), r.get("query", ""), "live"))
    return rules


def file_rules(entry: PrometheusEntry, base_dir: Path) -> list[AlertRule]:
    rules = []
    for path in expand(entry.rule_files, base_dir):
        full = base_dir / path
        try:
            doc = yaml.safe_load(full.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            rules.append(AlertRule("?", "?", "", path, error=f"cannot read {path}: {shorten(str(exc), 100)}"))
            continue
        for group in doc.get("groups") or []:
            if entry.groups is None or group.get("name") in entry.groups:
                for r in group.get("rules") or []:
                    if "alert" in r:
                        rules.append(_rule(str(r["alert"]), str(group.get("name")), str(r.get("expr", "")), path))
    return _dedupe(rules)


def _dedupe(rules: list[AlertRule]) -> list[AlertRule]:
    return list({(r.name, r.group, r.expr): r for r in rules}.values())


def _rule(name: str, group: str, expr: str, source: str) -> AlertRule:
    try:
        return AlertRule(name, group, expr, source, selectors(expr))
    except ValueError as exc:
        return AlertRule(name, group, expr, source, error=f"expression does not parse: {exc}")


def no_dead_alerts(entry: PrometheusEntry, facts: DeadAlertFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    reasons = []
    for rule in facts.rules:
        where = f"alert {rule.name} (group {rule.group}{'' if rule.source == 'live' else ', ' + rule.source})"
        if rule.error:
            reasons.append(f"{where}: {rule.error}")
        for sel in rule.selectors:
            if facts.series.get(sel.text, 0) == 0:
                reasons.append(f"{where}: {sel.text} {_why(sel, facts)}")
    if reasons:
        head = f"{len(reasons)} selector(s) match no series in the last {entry.dead_alert_window:g}s, so these alerts can never fire"
        return Verdict.failed(entry.name, f"{head}: " + "; ".join(reasons), reasons)
    count = sum(len(r.selectors) for r in facts.rules)
    return Verdict.passed(entry.name, f"{len(facts.rules)} alerting rules, all {count} selectors match series")


def _why(sel: Selector, facts: DeadAlertFacts) -> str:
    if sel.name is None:
        return "matches no series"
    if facts.series.get(name_query(sel.name), 0) == 0:
        return f"matches nothing: metric {sel.name} is absent"
    return f"matches nothing: metric {sel.name} exists but the label filter matches none of its series"
