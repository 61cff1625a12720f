"""A live Prometheus through its HTTP API: gather the status endpoints once, then judge each runbook check."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..adapters.jsonapi import Answer, JsonApi, api_error
from ..durations import parse_duration
from ..inventory.prometheus import PrometheusEntry
from ..kinds import Context, Kind, active
from ..verdict import Verdict, shorten
from .eventually import poll, waits

ENDPOINTS: dict[str, tuple[str, dict[str, str] | None]] = {
    "healthy": ("/-/healthy", None),
    "ready": ("/-/ready", None),
    "targets": ("/api/v1/targets", {"state": "active"}),
    "rules": ("/api/v1/rules", None),
    "flags": ("/api/v1/status/flags", None),
    "tsdb": ("/api/v1/status/tsdb", None),
    "runtime": ("/api/v1/status/runtimeinfo", None),
    "alertmanagers": ("/api/v1/alertmanagers", None),
    "config": ("/api/v1/status/config", None),
}
RETENTION_FLAGS = ("storage.tsdb.retention.time", "storage.tsdb.retention")  # the second is the deprecated one


@dataclass
class PrometheusFacts:
    url: str
    error: str | None = None  # the server does not answer at all
    answers: dict[str, Answer] = field(default_factory=dict)
    attempts: int = 1  # with `eventually`: times gathered
    polled: float = 0.0


def gather(entry: PrometheusEntry, timeout: float, transport: httpx.BaseTransport | None = None) -> PrometheusFacts:
    facts = PrometheusFacts(entry.url)
    with JsonApi(entry.url, timeout, entry.headers, entry.verify_tls, transport) as api:
        for key, (path, params) in ENDPOINTS.items():
            answer = api.get(path, params)
            facts.answers[key] = answer
            if answer.error and key == "healthy":  # unreachable: one timeout, not one per endpoint
                facts.error = f"{entry.url}: {answer.error}"
                break
    return facts


def data(facts: PrometheusFacts, key: str) -> tuple[Any, str | None]:
    """The ``data`` of an API answer, or why there is none."""
    if facts.error:
        return None, facts.error
    path = ENDPOINTS[key][0]
    answer = facts.answers.get(key, Answer(error="not asked"))
    problem = api_error(answer, f"GET {path}")
    if problem:
        return None, problem
    if not isinstance(answer.doc, dict) or answer.doc.get("status") != "success":
        return None, f"GET {path}: not a Prometheus API answer: {shorten(str(answer.doc), 80)}"
    return answer.doc.get("data"), None


def _endpoint(entry: PrometheusEntry, facts: PrometheusFacts, key: str) -> Verdict:
    path = ENDPOINTS[key][0]
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    answer = facts.answers[key]
    if answer.ok:
        return Verdict.passed(entry.name, f"GET {path}: HTTP {answer.status}")
    got = answer.error or f"HTTP {answer.status} {shorten(str(answer.doc or ''), 80)}"
    return Verdict.failed(entry.name, f"GET {path}: {got}, expected HTTP 200")


@waits
def healthy(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    return _endpoint(entry, facts, "healthy")


@waits
def ready(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    return _endpoint(entry, facts, "ready")


@waits
def targets_up(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    found, problem = data(facts, "targets")
    if problem:
        return Verdict.failed(entry.name, problem)
    active = [t for t in found.get("activeTargets", []) if entry.jobs is None or _job(t) in entry.jobs]
    empty = [j for j in entry.jobs or [] if not any(_job(t) == j for t in active)]
    down = [t for t in active if t.get("health") != "up"]
    reasons = [f"job {j} has no active target" for j in empty]
    reasons += [f"{_job(t)} {t.get('scrapeUrl', '?')} is {t.get('health')}: {t.get('lastError') or '-'}" for t in down]
    if reasons:
        head = f"{len(down)} of {len(active)} targets not up" if down else "jobs without targets"
        return Verdict.failed(entry.name, f"{head}, expected all up: " + "; ".join(reasons), reasons)
    jobs = sorted({_job(t) for t in active})
    return Verdict.passed(entry.name, f"all {len(active)} targets up ({', '.join(jobs)})")


def _job(target: dict[str, Any]) -> str:
    return str(target.get("labels", {}).get("job") or target.get("scrapePool", "?"))


def rule_groups(entry: PrometheusEntry, facts: PrometheusFacts) -> tuple[list[dict[str, Any]], str | None]:
    """The loaded rule groups the entry selects; a selected group that is not loaded is a problem."""
    found, problem = data(facts, "rules")
    if problem:
        return [], problem
    groups = [g for g in found.get("groups", []) if entry.groups is None or g.get("name") in entry.groups]
    loaded = {g.get("name") for g in groups}
    missing = [g for g in entry.groups or [] if g not in loaded]
    if missing:
        return groups, f"rule group(s) not loaded: {', '.join(missing)}, expected them in /api/v1/rules"
    return groups, None


def rules_healthy(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    groups, problem = rule_groups(entry, facts)
    if problem:
        return Verdict.failed(entry.name, problem)
    bad = [
        f"{r.get('name')} (group {g.get('name')}): {r.get('health')}: {shorten(r.get('lastError') or '-', 120)}"
        for g in groups
        for r in g.get("rules", [])
        if r.get("health") not in ("ok", "unknown")
    ]
    count = sum(len(g.get("rules", [])) for g in groups)
    if bad:
        return Verdict.failed(entry.name, f"{len(bad)} of {count} rules fail to evaluate: " + "; ".join(bad), bad)
    return Verdict.passed(entry.name, f"{len(groups)} rule groups, {count} rules, no evaluation errors")


def no_firing(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    groups, problem = rule_groups(entry, facts)
    if problem:
        return Verdict.failed(entry.name, problem)
    threshold = entry.severities.index(entry.fail_on_firing or entry.severities[-1])
    firing = []
    for rule in (r for g in groups for r in g.get("rules", []) if r.get("type") == "alerting"):
        for alert in rule.get("alerts", []):
            severity = str(alert.get("labels", {}).get(entry.severity_label, ""))
            if alert.get("state") == "firing" and severity in entry.severities[threshold:]:
                firing.append(f"{rule.get('name')} ({severity}, since {str(alert.get('activeAt', '?'))[:19]})")
    if firing:
        what = f"{len(firing)} alert(s) firing at {entry.fail_on_firing} or above, expected none: "
        return Verdict.failed(entry.name, what + "; ".join(firing), firing)
    return Verdict.passed(entry.name, f"no alert firing at {entry.fail_on_firing} or above")


def retention(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    flags, problem = data(facts, "flags")
    if problem:
        return Verdict.failed(entry.name, problem)
    minimum = entry.min_retention or 0.0
    for flag in RETENTION_FLAGS:
        value = str(flags.get(flag, "0s"))
        seconds = parse_duration(value) if value not in ("", "0") else 0.0
        if seconds > 0:
            if seconds < minimum:
                return Verdict.failed(entry.name, f"--{flag} is {value}, expected >= {_days(minimum)}")
            return Verdict.passed(entry.name, f"--{flag}={value} (>= {_days(minimum)})")
    size = flags.get("storage.tsdb.retention.size", "0B")
    return Verdict.failed(
        entry.name,
        f"--{RETENTION_FLAGS[0]} is not set (size limit {size}; the built-in default applies), "
        f"expected a time retention >= {_days(minimum)}",
    )


def _days(seconds: float) -> str:
    return f"{seconds / 86400:g}d" if seconds >= 86400 else f"{seconds:g}s"


def head_series(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    found, problem = data(facts, "tsdb")
    if problem:
        return Verdict.failed(entry.name, problem)
    count = int(found.get("headStats", {}).get("numSeries", 0))
    budget = entry.max_head_series or 0
    top = ", ".join(f"{m['name']} {m['value']}" for m in found.get("seriesCountByMetricName", [])[:3])
    if count > budget:
        return Verdict.failed(entry.name, f"TSDB head has {count} series, expected <= {budget} (largest: {top})")
    return Verdict.passed(entry.name, f"TSDB head has {count} series (budget {budget})")


def config_reloaded(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    found, problem = data(facts, "runtime")
    if problem:
        return Verdict.failed(entry.name, problem)
    when = found.get("lastConfigTime", "?")
    if found.get("reloadConfigSuccess") is not True:
        return Verdict.failed(
            entry.name, f"last config reload failed (last good config from {when}), expected it to succeed"
        )
    return Verdict.passed(entry.name, f"last config reload succeeded ({when})")


def alertmanagers(entry: PrometheusEntry, facts: PrometheusFacts) -> Verdict:
    found, problem = data(facts, "alertmanagers")
    if problem:
        return Verdict.failed(entry.name, problem)
    active = [str(a.get("url", "?")) for a in found.get("activeAlertmanagers", [])]
    wanted = entry.min_alertmanagers or 0
    if len(active) < wanted:
        dropped = len(found.get("droppedAlertmanagers", []))
        got = ", ".join(active) or "none"
        return Verdict.failed(
            entry.name,
            f"sends alerts to {len(active)} Alertmanager(s) ({got}; {dropped} dropped), expected >= {wanted}",
        )
    return Verdict.passed(entry.name, f"sends alerts to {len(active)} Alertmanager(s): {', '.join(active)}")


def base_dir(ctx: Context) -> Path:
    """Relative paths in an inventory are relative to its folder."""
    return Path(ctx.inventory.source).parent if ctx.inventory.source else Path.cwd()


def _targets(ctx: Context) -> list[PrometheusEntry]:
    """Prometheus entries whose rule files include the inventory's ``rules.files`` (validated, checked for dead
    alerts against each server, within the entry's ``groups``)."""
    extra = list(ctx.inventory.rules.files)
    return [dataclasses.replace(e, rule_files=[*e.rule_files, *extra]) for e in active(ctx, ctx.inventory.prometheus)]


def _dead_alerts(entry: PrometheusEntry, ctx: Context) -> object:
    from . import prometheus_deadalerts

    return prometheus_deadalerts.gather(entry, ctx.timeout_for(entry), base_dir(ctx))


def _lint(entry: PrometheusEntry, ctx: Context) -> object:
    from . import prometheus_lint

    return prometheus_lint.gather(entry, base_dir(ctx))


def _files(entry: PrometheusEntry, ctx: Context) -> object:
    from . import prometheus_promtool

    return prometheus_promtool.gather(entry, base_dir(ctx), ctx.timeout_for(entry))


def up(entry: PrometheusEntry, facts: PrometheusFacts) -> bool:
    """What waiting can fix: healthy, ready (done replaying its WAL), and every target up."""
    return all(judge(entry, facts).ok for judge in (healthy, ready, targets_up))


def _queries(entry: PrometheusEntry, ctx: Context) -> object:
    from . import prometheus_queries

    return prometheus_queries.gather_entry(entry, ctx.timeout_for(entry))


KIND: Kind[PrometheusEntry] = Kind(
    "prometheus",
    gather=lambda e, ctx: poll(lambda: gather(e, ctx.timeout_for(e)), lambda f: up(e, f), e.eventually),
    targets=_targets,
    probes={"dead_alerts": _dead_alerts, "files": _files, "lint": _lint, "queries": _queries},
)
