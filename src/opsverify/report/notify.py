"""After the run, the digest (verdict, new failures, fixed, where the report is) to Telegram and/or a webhook.

Opt-in (the inventory's ``notify:``); sent on change (default), always, or on failure. Every call has a timeout and
never fails the run: a chat that is down costs one warning line. The Telegram token and chat id come from the
environment and are registered with the secret masker before anything is built, so no message, warning or error
contains them (the token is part of the Bot API URL)."""

from __future__ import annotations

import os
from typing import Any

import httpx

from ..inventory.notify import NotifyConfig
from ..masking import MASKER, mask
from .results import RunResult

TELEGRAM_LIMIT = 4096  # characters in one sendMessage text
LIST_LIMIT = 15


def should_send(config: NotifyConfig, run: RunResult) -> bool:
    if config.when == "always":
        return True
    if config.when == "failure":
        return run.verdict == "FAIL"
    if run.history is None or len(run.trend) < 2:  # no history, or the first run: nothing to compare, so send
        return True
    previous = run.trend[-2]
    verdict_changed = (sum(previous.failed.values()) == 0) != (not run.failures())
    return bool(run.new_failures() or run.fixed or verdict_changed)


def digest(run: RunResult, report: str) -> str:
    """The message in plain text (Telegram gets no parse_mode, so nothing in it is markup)."""
    env = f" [{run.environment}]" if run.environment else ""
    passed = sum(1 for c in run.checks if c.outcome == "passed")
    lines = [
        f"opsverify {run.verdict} at --fail-on {run.fail_on}: {run.name}{env}",
        f"{len(run.checks)} checks: {passed} passed, {len(run.failures())} failed "
        f"({run.blocking} at or above {run.fail_on})",
    ]
    new = run.new_failures() if run.history is not None else run.failures()
    if run.root_causes:
        lines.append(f"Root causes ({len(run.root_causes)}):")
        lines += [f"- {r.line} ({r.dependents} dependent checks)" for r in run.root_causes[:LIST_LIMIT]]
    if new:
        lines.append(f"{'New' if run.history is not None else 'Failed'} ({len(new)}):")
        roots, rest = run.fold(new)
        items = [f"- [{r.severity}] {r.line} ({len(under)} checks)" for r, under in roots]
        items += [f"- [{c.severity}] {c.id}: {c.reason}" for c in rest]
        lines += items[:LIST_LIMIT]
        if len(items) > LIST_LIMIT:
            lines.append(f"- ... and {len(items) - LIST_LIMIT} more")
    if run.fixed:
        lines.append(f"Fixed ({len(run.fixed)}):")
        lines += [f"- {f.id}" for f in run.fixed[:LIST_LIMIT]]
    lines.append(f"Report: {report}")
    text = mask("\n".join(lines))
    return text if len(text) <= TELEGRAM_LIMIT else text[: TELEGRAM_LIMIT - 1] + "…"


def payload(run: RunResult, report: str) -> dict[str, Any]:
    """The webhook's JSON body."""
    new = run.new_failures() if run.history is not None else run.failures()
    return {
        "verdict": run.verdict,
        "fail_on": run.fail_on,
        "name": run.name,
        "environment": run.environment,
        "run_id": run.run_id,
        "blocking": run.blocking,
        "counts": run.counts,
        "new": [{"id": c.id, "target": c.target, "severity": c.severity, "reason": c.reason} for c in new],
        "fixed": [{"id": f.id, "target": f.target, "severity": f.severity} for f in run.fixed],
        "root_causes": [{"line": r.line, "checks": len(r.checks)} for r in run.root_causes],
        "report": report,
        "text": digest(run, report),
    }


def send(config: NotifyConfig, run: RunResult, report: str, force: bool = False) -> list[str]:
    """Send the digest where configured; returns what to tell the user (sent / skipped / warnings). Never raises."""
    if not force and not should_send(config, run):
        return [f"notify: nothing changed since the last run, nothing sent (notify.when: {config.when})"]
    report = mask(config.report_url or report)
    notes: list[str] = []
    timeout = float(config.timeout)
    if config.telegram is not None:
        notes.append(_telegram(config, run, report, timeout))
    if config.webhook is not None:
        notes.append(_webhook(config, run, report, timeout))
    return [mask(n) for n in notes]


def _telegram(config: NotifyConfig, run: RunResult, report: str, timeout: float) -> str:
    tg = config.telegram
    assert tg is not None
    token, chat = os.environ.get(tg.token_env, ""), os.environ.get(tg.chat_id_env, "")
    MASKER.add(token)
    MASKER.add(chat)
    if not token or not chat:
        missing = " and ".join(f"${n}" for n, v in ((tg.token_env, token), (tg.chat_id_env, chat)) if not v)
        return f"WARNING: notify telegram: {missing} not set, nothing sent"
    url = f"{tg.api_url.rstrip('/')}/bot{token}/sendMessage"
    body = {"chat_id": chat, "text": digest(run, report), "disable_web_page_preview": True}
    try:
        answer = httpx.post(url, json=body, timeout=timeout)
        data = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
    except Exception as exc:  # never fail the run for a chat (httpx errors, bad JSON, anything)
        return f"WARNING: notify telegram failed ({type(exc).__name__}: {exc}); the run's result is unaffected"
    if answer.status_code != 200 or not data.get("ok"):
        why = data.get("description") or f"HTTP {answer.status_code}"
        return f"WARNING: notify telegram refused the message ({why}); the run's result is unaffected"
    return "notify: digest sent to telegram"


def _webhook(config: NotifyConfig, run: RunResult, report: str, timeout: float) -> str:
    hook = config.webhook
    assert hook is not None
    try:
        answer = httpx.post(hook.url, json=payload(run, report), headers=hook.headers, timeout=timeout)
    except Exception as exc:  # never fail the run for a webhook
        return f"WARNING: notify webhook failed ({type(exc).__name__}: {exc}); the run's result is unaffected"
    if not 200 <= answer.status_code < 300:
        return f"WARNING: notify webhook answered HTTP {answer.status_code}; the run's result is unaffected"
    return "notify: digest sent to the webhook"
