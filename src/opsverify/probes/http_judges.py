"""Judges for kind ``http``: pure functions from (entry, :class:`~.http_facts.HttpFacts`) to a Verdict, for status,
JSON fields, response time, body regexes, headers, redirects, TLS certificate expiry and ``/metrics``; ``JUDGES``
lists every judge with when it applies (``eventually`` waits until they all pass)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, overload

from ..inventory import HttpEntry
from ..verdict import Verdict, quote, shorten
from . import http_jsonpath, http_metrics
from .eventually import noted
from .http_facts import HttpFacts

Judge = Callable[[HttpEntry, HttpFacts], Verdict]


@overload
def judge(fn: Judge) -> Judge: ...
@overload
def judge(*, needs_answer: bool) -> Callable[[Judge], Judge]: ...


def judge(fn: Judge | None = None, *, needs_answer: bool = True) -> Judge | Callable[[Judge], Judge]:
    """Decorates an HTTP judge. With ``needs_answer`` (default), a request that got no response at all fails with
    ``METHOD URL: why`` before the judge runs. With ``eventually``, the verdict carries the number of attempts, and
    its message says so."""

    def decorate(inner: Judge) -> Judge:
        @functools.wraps(inner)
        def wrapped(entry: HttpEntry, facts: HttpFacts) -> Verdict:
            if needs_answer and facts.error:
                verdict = Verdict.failed(entry.name, f"{entry.method} {entry.url}: {facts.error}")
            else:
                verdict = inner(entry, facts)
            return noted(entry.eventually, facts, verdict)

        return wrapped

    return decorate(fn) if fn is not None else decorate


@judge
def status(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    wanted = entry.expect.status if isinstance(entry.expect.status, list) else [entry.expect.status]
    if facts.status in wanted:
        return Verdict.passed(entry.name, f"HTTP {facts.status}")
    expected = " or ".join(str(w) for w in wanted)
    return Verdict.failed(entry.name, f"status is {facts.status}, expected {expected}; body: {preview(facts)}")


@judge
def response_time(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    budget, took = entry.expect.max_time, facts.response_time
    if budget is not None and took > budget:
        return Verdict.failed(entry.name, f"responded in {took:.2f}s, expected within {budget:g}s")
    return Verdict.passed(entry.name, f"responded in {took:.2f}s")


@judge(needs_answer=False)  # says "no answer" in its own words, via parse_json
def json_fields(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    doc, problem = parse_json(facts)
    if problem:
        return Verdict.failed(entry.name, problem)
    wrong: list[str] = []
    for path, expected in entry.expect.json.items():
        found, got = lookup(doc, path)
        if not found:
            wrong.append(f"{path} is missing, expected {quote(expected)}")
        elif got != expected:
            wrong.append(f"{path} is {show(got)}, expected {quote(expected)}")
    for path, pattern in entry.expect.json_match.items():
        found, got = lookup(doc, path)
        if not found:
            wrong.append(f"{path} is missing, expected a match for /{pattern}/")
        elif not re.search(pattern, got if isinstance(got, str) else json.dumps(got)):
            wrong.append(f"{path} is {show(got)}, expected a match for /{pattern}/")
    if wrong:
        return Verdict.failed(entry.name, "; ".join(wrong))
    return Verdict.passed(entry.name, "JSON fields as expected")


def parse_json(facts: HttpFacts) -> tuple[Any, str | None]:
    """The body as JSON, or why it cannot be: no response, too large, not JSON (with a preview)."""
    if facts.error:
        return None, f"{facts.url}: {facts.error}"
    if facts.truncated:
        return (
            None,
            f"body is larger than the {len(facts.body) // 1024} KiB limit, expected a small JSON document",
        )
    try:
        return json.loads(facts.body.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError):
        kind = facts.content_type or "no content-type"
        return None, f"body is not JSON ({kind}, {len(facts.body)} bytes): {preview(facts)}"


def lookup(doc: Any, path: str) -> tuple[bool, Any]:
    """A JSON path (dotted or ``$.a.b[0]``, see :mod:`opsverify.probes.jsonpath`) into ``doc``."""
    return http_jsonpath.lookup(doc, path)


def show(value: Any) -> str:
    return quote(value) if isinstance(value, str) else shorten(json.dumps(value), 80)


def preview(facts: HttpFacts) -> str:
    """The start of the body for a message: quoted text, or the first bytes in hex when it is binary."""
    if not facts.body:
        return "(empty)"
    head = facts.body[:400]
    text = head.decode("utf-8", errors="replace")
    unreadable = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r"))
    if unreadable > len(text) // 10:
        return f"(binary, starts {head[:16].hex(' ')}…)"
    return repr(shorten(text, 80))


@judge
def body_regex(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    text = facts.body.decode("utf-8", errors="replace")
    absent = [p for p in entry.expect.body_regex if not re.search(p, text, re.MULTILINE)]
    if absent:
        wanted = ", ".join(f"/{p}/" for p in absent)
        cut = " (body truncated at the size limit)" if facts.truncated else ""
        return Verdict.failed(entry.name, f"body has no match for {wanted}{cut}; body: {preview(facts)}")
    return Verdict.passed(entry.name, f"body matches {len(entry.expect.body_regex)} pattern(s)")


@judge
def headers(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    wrong = []
    for name, pattern in entry.expect.headers.items():
        got = facts.headers.get(name.lower())
        if got is None:
            wrong.append(f"header {name} is missing, expected a match for /{pattern}/")
        elif not re.search(pattern, got):
            wrong.append(f"header {name} is {quote(shorten(got, 80))}, expected a match for /{pattern}/")
    if wrong:
        return Verdict.failed(entry.name, "; ".join(wrong))
    return Verdict.passed(entry.name, f"{len(entry.expect.headers)} header(s) as expected")


@judge
def redirect(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    pattern = entry.expect.redirect or ""
    location = facts.headers.get("location")
    if facts.status is None or not 300 <= facts.status < 400:
        return Verdict.failed(entry.name, f"status is {facts.status}, expected a redirect (3xx) to /{pattern}/")
    if location is None:
        return Verdict.failed(entry.name, f"redirect {facts.status} has no Location header, expected /{pattern}/")
    if not re.search(pattern, location):
        return Verdict.failed(entry.name, f"redirects ({facts.status}) to {quote(location)}, expected /{pattern}/")
    return Verdict.passed(entry.name, f"redirects ({facts.status}) to {quote(location)}")


@judge
def cert_expiry(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    minimum = entry.expect.cert_days or 0
    if facts.cert is None:
        return Verdict.failed(entry.name, f"no TLS certificate seen, expected one valid for >= {minimum} days")
    left = facts.cert.days_left()
    until = facts.cert.not_after.strftime("%Y-%m-%d %H:%M UTC")
    if left < minimum:
        what = "expired" if left < 0 else f"expires in {left:.1f} days"
        return Verdict.failed(
            entry.name, f"TLS certificate {what} ({until}, {facts.cert.subject}), expected >= {minimum} days left"
        )
    return Verdict.passed(entry.name, f"TLS certificate valid for {left:.0f} more days (until {until})")


@judge
def metrics_exposed(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    if facts.truncated:
        return Verdict.failed(entry.name, "metrics body is larger than the size limit (defaults.max_body_bytes)")
    try:
        samples = http_metrics.parse_text(facts.body.decode("utf-8", errors="replace"))
    except ValueError as exc:
        return Verdict.failed(entry.name, f"{shorten(str(exc), 120)}; body: {preview(facts)}")
    reasons = http_metrics.missing(entry.expect.metrics, samples)
    if reasons:
        return Verdict.failed(entry.name, "; ".join(reasons))
    count = len(entry.expect.metrics)
    return Verdict.passed(entry.name, f"all {count} metric selector(s) exposed ({len(samples)} samples)")


Applies = Callable[[HttpEntry], bool]
JUDGES: list[tuple[Applies, Callable[[HttpEntry, HttpFacts], Verdict]]] = [
    (lambda e: e.expect.redirect is None, status),
    (lambda e: bool(e.expect.json or e.expect.json_match), json_fields),
    (lambda e: e.expect.max_time is not None, response_time),
    (lambda e: bool(e.expect.body_regex), body_regex),
    (lambda e: bool(e.expect.headers), headers),
    (lambda e: e.expect.redirect is not None, redirect),
    (lambda e: e.expect.cert_days is not None, cert_expiry),
    (lambda e: bool(e.expect.metrics), metrics_exposed),
]


def verdicts(entry: HttpEntry, facts: HttpFacts) -> list[Verdict]:
    """Every judgement that applies to ``entry`` (what ``eventually`` waits for)."""
    return [check(entry, facts) for applies, check in JUDGES if applies(entry)]
