"""Prometheus as a runbook asks about it by value: live PromQL assertions (``queries:``), alerting rules loaded by
name (``alerts:``) and the global scrape interval (``scrape_interval:``)."""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import Any

import httpx
import yaml

from ..adapters.jsonapi import Answer, JsonApi, api_error
from ..durations import format_duration, parse_duration
from ..inventory.prometheus import PrometheusEntry, PromQuery
from ..verdict import Verdict, shorten
from .eventually import poll, waits
from .prometheus import PrometheusFacts, data

_OPS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
MAX_SHOWN = 5  # failing series named in a message


@dataclass
class QueryFacts:
    url: str
    error: str | None = None  # the server does not answer at all
    answers: dict[str, Answer] = field(default_factory=dict)  # expr -> /api/v1/query answer
    attempts: int = 1  # with `eventually`: rounds of queries
    polled: float = 0.0


def gather(entry: PrometheusEntry, timeout: float, transport: httpx.BaseTransport | None = None) -> QueryFacts:
    facts = QueryFacts(entry.url)
    with JsonApi(entry.url, timeout, entry.headers, entry.verify_tls, transport) as api:
        for query in entry.queries:
            answer = api.get("/api/v1/query", {"query": query.expr})
            facts.answers[query.expr] = answer
            if answer.error and answer.status is None:  # unreachable: one timeout, not one per query
                facts.error = f"{entry.url}: {answer.error}"
                break
    return facts


def gather_entry(entry: PrometheusEntry, timeout: float) -> QueryFacts:
    """:func:`gather`, again until every query holds with the entry's ``eventually`` (fresh servers have no data)."""
    return poll(lambda: gather(entry, timeout), lambda f: queries_hold(entry, f).ok, entry.eventually)


@waits
def queries_hold(entry: PrometheusEntry, facts: QueryFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    problems = [
        p for p in (_problem(q, facts.answers.get(q.expr, Answer(error="not asked"))) for q in entry.queries) if p
    ]
    if problems:
        return Verdict.failed(entry.name, "; ".join(problems), problems)
    return Verdict.passed(entry.name, f"{len(entry.queries)} quer{'y' if len(entry.queries) == 1 else 'ies'} hold")


def _problem(query: PromQuery, answer: Answer) -> str | None:
    what = f"`{shorten(query.expr, 80)}`"
    problem = api_error(answer, what)
    if problem:
        return problem
    doc = answer.doc if isinstance(answer.doc, dict) else {}
    if doc.get("status") != "success":
        return f"{what}: not a Prometheus API answer: {shorten(str(answer.doc), 80)}"
    values = _values(doc.get("data") or {})
    op, bound = query.comparison()
    if not values:
        return f"{what} returned no series, expected a value {query.expect.strip()}"
    if not query.for_each_series and len(values) > 1:
        return f"{what} returned {len(values)} series, expected one (aggregate it, or set for_each_series: true)"
    bad = [(labels, v) for labels, v in values if not _OPS[op](v, bound)]
    if not bad:
        return None
    shown = ", ".join(f"{labels} = {_num(v)}" for labels, v in bad[:MAX_SHOWN]) + (" …" if len(bad) > MAX_SHOWN else "")
    return f"{what}: {len(bad)} of {len(values)} series not {query.expect.strip()}: {shown}"


def _values(result: dict[str, Any]) -> list[tuple[str, float]]:
    kind, found = result.get("resultType"), result.get("result")
    if kind == "scalar" and isinstance(found, list) and len(found) == 2:
        return [("scalar", _float(found[1]))]
    if kind == "vector" and isinstance(found, list):
        return [(_labels(s.get("metric") or {}), _float((s.get("value") or [0, "NaN"])[1])) for s in found]
    return []


def _labels(metric: dict[str, str]) -> str:
    name = metric.get("__name__", "")
    rest = ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items()) if k != "__name__")
    return f"{name}{{{rest}}}"


def _float(text: Any) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def _num(value: float) -> str:
    return f"{value:g}"


def alert_rules_loaded(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    found, problem = data(facts, "rules")
    if problem:
        return Verdict.failed(entry.name, problem)
    loaded = {r.get("name") for g in found.get("groups", []) for r in g.get("rules", []) if r.get("type") == "alerting"}
    missing = [name for name in entry.alerts if name not in loaded]
    if missing:
        return Verdict.failed(
            entry.name,
            f"alerting rule(s) {', '.join(missing)} not loaded ({len(loaded)} loaded), expected {', '.join(entry.alerts)}",
        )
    return Verdict.passed(entry.name, f"alerting rule(s) {', '.join(entry.alerts)} loaded")


def scrape_interval(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    found, problem = data(facts, "config")
    if problem:
        return Verdict.failed(entry.name, problem)
    try:
        config = yaml.safe_load(str(found.get("yaml", ""))) or {}
        value = str((config.get("global") or {}).get("scrape_interval", "1m"))
        seconds = parse_duration(value)
    except (yaml.YAMLError, AttributeError, ValueError) as exc:
        return Verdict.failed(entry.name, f"GET /api/v1/status/config: cannot read the global scrape_interval: {exc}")
    wanted = float(entry.scrape_interval or 0)
    if seconds != wanted:
        return Verdict.failed(entry.name, f"global scrape_interval is {value}, expected {format_duration(wanted)}")
    return Verdict.passed(entry.name, f"global scrape_interval is {value}")
