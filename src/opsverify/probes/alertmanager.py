"""A live Alertmanager through its v2 API: health, where each severity is routed, and the active silences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import yaml

from ..adapters.jsonapi import Answer, JsonApi, api_error
from ..inventory.alertmanager import AlertmanagerEntry
from ..inventory.prometheus import PrometheusEntry
from ..kinds import Context, Kind, active
from ..promql.regex import RegexError, alertmanager_matcher
from ..verdict import Verdict, shorten
from . import alertmanager_routing
from .eventually import poll, waits

DEFAULT_SEVERITIES = ("critical", "warning")
# Label values a "matches everything" matcher must match; alertname is never empty, other labels may be absent.
_SAMPLES = ["a", "Watchdog", "critical", "HighLatency api-1/5xx", "0", "x" * 40]


@dataclass
class AlertmanagerFacts:
    url: str
    error: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    in_use: dict[str, list[str]] = field(default_factory=dict)  # severity -> alerting rules using it
    in_use_from: list[str] = field(default_factory=list)  # the Prometheus entries asked
    in_use_error: str | None = None
    attempts: int = 1  # with `eventually`: times gathered
    polled: float = 0.0


def gather(
    entry: AlertmanagerEntry,
    timeout: float,
    transport: httpx.BaseTransport | None = None,
    sources: list[PrometheusEntry] | None = None,
) -> AlertmanagerFacts:
    """The status endpoints; without ``severities`` in the entry, also the severities in use in ``sources``."""
    facts = AlertmanagerFacts(entry.url)
    with JsonApi(entry.url, timeout, entry.headers, entry.verify_tls, transport) as api:
        for key, path in (("healthy", "/-/healthy"), ("status", "/api/v2/status"), ("silences", "/api/v2/silences")):
            facts.answers[key] = api.get(path)
            if facts.answers[key].error and key == "healthy":
                facts.error = f"{entry.url}: {facts.answers[key].error}"
                return facts
    if entry.severities is None:
        _severities_in_use(entry, facts, sources or [], timeout, transport)
    return facts


def _severities_in_use(
    entry: AlertmanagerEntry,
    facts: AlertmanagerFacts,
    sources: list[PrometheusEntry],
    timeout: float,
    transport: httpx.BaseTransport | None,
) -> None:
    """Severity label values of the alerting rules loaded in each Prometheus (once per URL) -> alert names."""
    first: dict[str, PrometheusEntry] = {}
    for s in sources:
        first.setdefault(s.url, s)
    for source in first.values():
        with JsonApi(source.url, timeout, source.headers, source.verify_tls, transport) as api:
            answer = api.get("/api/v1/rules", {"type": "alert"})
        problem = api_error(answer, f"{source.name}: GET /api/v1/rules")
        if problem or not isinstance(answer.doc, dict):
            facts.in_use_error = problem or f"{source.name}: not a Prometheus API answer"
            return
        facts.in_use_from.append(source.name)
        for group in (answer.doc.get("data") or {}).get("groups", []):
            for rule in group.get("rules", []):
                severity = str((rule.get("labels") or {}).get(entry.severity_label, ""))
                facts.in_use.setdefault(severity, []).append(str(rule.get("name")))


def _doc(facts: AlertmanagerFacts, key: str, path: str) -> tuple[Any, str | None]:
    if facts.error:
        return None, facts.error
    answer = facts.answers[key]
    return answer.doc, api_error(answer, f"GET {path}")


@waits
def healthy(entry: AlertmanagerEntry, facts: AlertmanagerFacts) -> Verdict:
    _, problem = _doc(facts, "healthy", "/-/healthy")
    if problem:
        return Verdict.failed(entry.name, f"{problem}, expected HTTP 200")
    status, _ = _doc(facts, "status", "/api/v2/status")
    version = (status or {}).get("versionInfo", {}).get("version", "?") if isinstance(status, dict) else "?"
    return Verdict.passed(entry.name, f"healthy (Alertmanager {version})")


def config(facts: AlertmanagerFacts) -> tuple[dict[str, Any], str | None]:
    """The running configuration (``/api/v2/status`` -> config.original, YAML)."""
    status, problem = _doc(facts, "status", "/api/v2/status")
    if problem:
        return {}, problem
    try:
        loaded = yaml.safe_load((status.get("config") or {}).get("original") or "")
    except (yaml.YAMLError, AttributeError) as exc:
        return {}, f"GET /api/v2/status: config.original is not YAML: {shorten(str(exc), 80)}"
    return (loaded, None) if isinstance(loaded, dict) else ({}, "GET /api/v2/status: no config.original")


def routing(entry: AlertmanagerEntry, facts: AlertmanagerFacts) -> Verdict:
    conf, problem = config(facts)
    if problem:
        return Verdict.failed(entry.name, problem)
    try:
        tree = alertmanager_routing.parse_route(conf.get("route") or {})
    except ValueError as exc:
        return Verdict.failed(entry.name, f"cannot read the routing tree: {exc}")
    severities, origin = severities_to_route(entry, facts)
    if facts.in_use_error:
        return Verdict.failed(entry.name, f"cannot learn the severities in use: {facts.in_use_error}")
    kinds = alertmanager_routing.integrations(conf)
    wrong, shown = [], []
    for severity in severities:
        receivers = alertmanager_routing.receivers_for(tree, {entry.severity_label: severity})
        silent = [r for r in receivers if not kinds.get(r)]
        shown.append(f"{severity} -> " + ", ".join(_receiver(r, kinds) for r in receivers))
        if silent:
            wrong.append(
                f'{entry.severity_label}="{severity}" goes to receiver {", ".join(silent)} with no integration'
            )
    if wrong:
        return Verdict.failed(entry.name, "; ".join(wrong) + ", expected a receiver that notifies someone", shown)
    return Verdict.passed(entry.name, f"every severity {origin} reaches a receiver: " + "; ".join(shown))


def severities_to_route(entry: AlertmanagerEntry, facts: AlertmanagerFacts) -> tuple[list[str], str]:
    """The entry's severities, else those in use in the inventory's Prometheus servers, else critical and warning."""
    if entry.severities is not None:
        return entry.severities, "listed"
    if facts.in_use_from:
        return sorted(facts.in_use), f"in use (rules in {', '.join(facts.in_use_from)})"
    return list(DEFAULT_SEVERITIES), "(default: no Prometheus in the inventory)"


def _receiver(name: str, kinds: dict[str, list[str]]) -> str:
    return f"{name} ({'+'.join(kinds.get(name) or ['no integration'])})"


def active_silences(facts: AlertmanagerFacts) -> tuple[list[dict[str, Any]], str | None]:
    found, problem = _doc(facts, "silences", "/api/v2/silences")
    if problem:
        return [], problem
    return [s for s in found or [] if (s.get("status") or {}).get("state") == "active"], None


def matches_everything(silence: dict[str, Any]) -> bool:
    """True when every matcher matches any alert (``alertname=~".+"``, ``severity=~".*"``, ``job!=""`` ...)."""
    return all(_matcher_matches_all(m) for m in silence.get("matchers") or [])


def _matcher_matches_all(m: dict[str, Any]) -> bool:
    name, value = str(m.get("name")), str(m.get("value"))
    samples = _SAMPLES if name == "alertname" else ["", *_SAMPLES]
    try:
        rx = alertmanager_matcher(value) if m.get("isRegex") else None
    except RegexError:
        return False
    hits = [rx.matches(s) if rx is not None else s == value for s in samples]
    return all(hits) if m.get("isEqual", True) else not any(hits)


def silences(entry: AlertmanagerEntry, facts: AlertmanagerFacts) -> Verdict:
    found, problem = active_silences(facts)
    if problem:
        return Verdict.failed(entry.name, problem)
    wrong = []
    for s in found:
        if matches_everything(s):
            wrong.append(f"silence {_describe(s)} matches every alert")
        length = _length(s)
        if entry.max_silence is not None and length is not None and length > entry.max_silence:
            wrong.append(
                f"silence {_describe(s)} lasts {length / 86400:.1f}d, expected <= {entry.max_silence / 86400:g}d"
            )
    if wrong:
        return Verdict.failed(entry.name, "; ".join(wrong), wrong)
    return Verdict.passed(entry.name, f"{len(found)} active silence(s), none catch-all or too long")


def _describe(s: dict[str, Any]) -> str:
    def fmt(m: dict[str, Any]) -> str:
        op = ("=~" if m.get("isRegex") else "=") if m.get("isEqual", True) else ("!~" if m.get("isRegex") else "!=")
        return f'{m.get("name")}{op}"{m.get("value")}"'

    matchers = ",".join(fmt(m) for m in s.get("matchers") or [])
    until = str(s.get("endsAt", "?"))[:16].replace("T", " ")
    who = f'by {s.get("createdBy", "?")}: "{shorten(str(s.get("comment", "")), 40)}"'
    return f"{str(s.get('id', '?'))[:8]} {{{matchers}}} ({who}, until {until})"


def _length(s: dict[str, Any]) -> float | None:
    try:
        start = dt.datetime.fromisoformat(str(s["startsAt"]).replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(str(s["endsAt"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return (end - start).total_seconds()


def _files(entry: AlertmanagerEntry, ctx: Context) -> object:
    from . import alertmanager_amtool
    from .prometheus import base_dir

    return alertmanager_amtool.gather(entry, base_dir(ctx), ctx.timeout_for(entry))


def _coverage(entry: AlertmanagerEntry, ctx: Context) -> object:
    from . import alertmanager_coverage
    from .prometheus import base_dir

    own = entry.coverage.rules if entry.coverage is not None else []
    rules = own or [*ctx.inventory.rules.files, *(g for p in ctx.inventory.prometheus for g in p.rule_files)]
    return alertmanager_coverage.gather(entry, rules, base_dir(ctx), ctx.timeout_for(entry))


def _test_alert(entry: AlertmanagerEntry, ctx: Context) -> object:
    from . import alertmanager_testalert

    return alertmanager_testalert.gather(entry, ctx.timeout_for(entry))


KIND: Kind[AlertmanagerEntry] = Kind(
    "alertmanager",
    gather=lambda e, ctx: poll(
        lambda: gather(e, ctx.timeout_for(e), sources=active(ctx, ctx.inventory.prometheus)),
        lambda f: healthy(e, f).ok,
        e.eventually,
    ),
    probes={"files": _files, "test_alert": _test_alert, "coverage": _coverage},
)
