"""Grafana through its HTTP API: health, datasources present and healthy, dashboards present, and the default
admin password refused. (Tested against a local stand-in shaped like Grafana's documented API.)"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..adapters.jsonapi import Answer, JsonApi, api_error
from ..inventory.grafana import GrafanaEntry
from ..kinds import Kind
from ..masking import MASKER
from ..verdict import Verdict, shorten

DEFAULT_LOGIN = ("admin", "admin")


@dataclass
class GrafanaFacts:
    url: str
    error: str | None = None
    health: Answer | None = None
    datasources: Answer | None = None
    ds_health: dict[str, Answer] = field(default_factory=dict)  # uid -> /api/datasources/uid/<uid>/health
    dashboards: dict[str, tuple[str, Answer]] = field(default_factory=dict)  # wanted -> (how it was asked, answer)
    default_login: Answer | None = None


def gather(entry: GrafanaEntry, timeout: float, transport: httpx.BaseTransport | None = None) -> GrafanaFacts:
    facts = GrafanaFacts(entry.url)
    if entry.password != DEFAULT_LOGIN[1]:  # "admin" is public knowledge; masking it would garble every message
        MASKER.add(entry.password)
    auth = (entry.user, entry.password) if entry.user and entry.password is not None else None
    with JsonApi(entry.url, timeout, entry.headers, entry.verify_tls, transport, auth=auth) as api:
        facts.health = api.get("/api/health")
        if facts.health.error:
            facts.error = f"{entry.url}: {facts.health.error}"
            return facts
        facts.datasources = api.get("/api/datasources")
        for ds in _datasources(facts):
            if not entry.datasources or {ds.get("name"), ds.get("uid")} & set(entry.datasources):
                facts.ds_health[str(ds["uid"])] = api.get(f"/api/datasources/uid/{_q(ds['uid'])}/health")
        for wanted in entry.dashboards:
            facts.dashboards[wanted] = _dashboard(api, wanted)
    if entry.default_admin_refused:
        with JsonApi(entry.url, timeout, None, entry.verify_tls, transport) as anonymous:
            facts.default_login = anonymous.get("/api/user", auth=DEFAULT_LOGIN)
    return facts


def _q(text: Any) -> str:
    return urllib.parse.quote(str(text), safe="")


def _dashboard(api: JsonApi, wanted: str) -> tuple[str, Answer]:
    by_uid = api.get(f"/api/dashboards/uid/{_q(wanted)}")
    if by_uid.status != 404:
        return "uid", by_uid
    return "title", api.get("/api/search", {"query": wanted, "type": "dash-db"})


def _datasources(facts: GrafanaFacts) -> list[dict[str, Any]]:
    doc = facts.datasources.doc if facts.datasources and facts.datasources.ok else None
    return [d for d in doc if isinstance(d, dict) and "uid" in d] if isinstance(doc, list) else []


def healthy(entry: GrafanaEntry, facts: GrafanaFacts) -> Verdict:
    if facts.error or facts.health is None:
        return Verdict.failed(entry.name, facts.error or "not asked")
    doc = facts.health.doc if isinstance(facts.health.doc, dict) else {}
    if not facts.health.ok or doc.get("database") != "ok":
        got = f"HTTP {facts.health.status}, database {doc.get('database', '?')!r}"
        return Verdict.failed(entry.name, f"GET /api/health: {got}, expected HTTP 200 and database 'ok'")
    return Verdict.passed(entry.name, f"healthy (Grafana {doc.get('version', '?')}, database ok)")


def datasources(entry: GrafanaEntry, facts: GrafanaFacts) -> Verdict:
    if facts.error or facts.datasources is None:
        return Verdict.failed(entry.name, facts.error or "not asked")
    problem = api_error(facts.datasources, "GET /api/datasources")
    if problem:
        return Verdict.failed(entry.name, problem)
    known = _datasources(facts)
    names = {d.get("name") for d in known} | {d.get("uid") for d in known}
    wrong = [f"datasource {w} is missing" for w in entry.datasources if w not in names]
    for ds in known:
        answer = facts.ds_health.get(str(ds["uid"]))
        if answer is not None and not answer.ok:
            message = answer.doc.get("message", "") if isinstance(answer.doc, dict) else answer.error or ""
            wrong.append(
                f"datasource {ds.get('name')} ({ds['uid']}) health: HTTP {answer.status}: {shorten(message, 100)}"
            )
    if wrong:
        return Verdict.failed(entry.name, "; ".join(wrong) + ", expected present and healthy", wrong)
    return Verdict.passed(entry.name, f"{len(facts.ds_health)} datasource(s) present and healthy")


def dashboards(entry: GrafanaEntry, facts: GrafanaFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    wrong = []
    for wanted, (how, answer) in facts.dashboards.items():
        problem = api_error(answer, f"dashboard {wanted}")
        if problem:
            wrong.append(problem)
        elif how == "title" and not any(d.get("title") == wanted for d in answer.doc or [] if isinstance(d, dict)):
            wrong.append(f"dashboard {wanted} is missing (no uid or exact title)")
    if wrong:
        return Verdict.failed(entry.name, "; ".join(wrong) + ", expected every listed dashboard present", wrong)
    return Verdict.passed(entry.name, f"{len(facts.dashboards)} dashboard(s) present")


def default_admin_refused(entry: GrafanaEntry, facts: GrafanaFacts) -> Verdict:
    if facts.error or facts.default_login is None:
        return Verdict.failed(entry.name, facts.error or "not asked")
    answer = facts.default_login
    if answer.error:
        return Verdict.failed(entry.name, f"login check: {answer.error}")
    if answer.status in (401, 403):
        return Verdict.passed(entry.name, f"login as admin/admin refused (HTTP {answer.status})")
    if answer.ok:
        return Verdict.failed(
            entry.name, "login as admin/admin succeeded (HTTP 200), expected the default admin password to be changed"
        )
    return Verdict.failed(entry.name, f"login as admin/admin: HTTP {answer.status}, expected 401 (refused)")


KIND: Kind[GrafanaEntry] = Kind("grafana", gather=lambda e, ctx: gather(e, ctx.timeout_for(e)))
