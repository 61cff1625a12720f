"""HTTP in depth: body regexes, headers, redirects, TLS certificate expiry, ``/metrics`` exposition.

Pure judges over :class:`~opsverify.probes.http.HttpFacts`; ``JUDGES`` lists every HTTP judge with when it applies
(used by ``eventually`` to decide whether an attempt passed).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..inventory import HttpEntry
from ..verdict import Verdict, quote, shorten
from . import http, metrics
from .http import HttpFacts, judge


@judge
def body_regex(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    text = facts.body.decode("utf-8", errors="replace")
    absent = [p for p in entry.expect.body_regex if not re.search(p, text, re.MULTILINE)]
    if absent:
        wanted = ", ".join(f"/{p}/" for p in absent)
        cut = " (body truncated at the size limit)" if facts.truncated else ""
        return Verdict.failed(entry.name, f"body has no match for {wanted}{cut}; body: {http.preview(facts)}")
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
        samples = metrics.parse_text(facts.body.decode("utf-8", errors="replace"))
    except ValueError as exc:
        return Verdict.failed(entry.name, f"{shorten(str(exc), 120)}; body: {http.preview(facts)}")
    reasons = metrics.missing(entry.expect.metrics, samples)
    if reasons:
        return Verdict.failed(entry.name, "; ".join(reasons))
    count = len(entry.expect.metrics)
    return Verdict.passed(entry.name, f"all {count} metric selector(s) exposed ({len(samples)} samples)")


Applies = Callable[[HttpEntry], bool]
JUDGES: list[tuple[Applies, Callable[[HttpEntry, HttpFacts], Verdict]]] = [
    (lambda e: e.expect.redirect is None, http.status),
    (lambda e: bool(e.expect.json or e.expect.json_match), http.json_fields),
    (lambda e: e.expect.max_time is not None, http.response_time),
    (lambda e: bool(e.expect.body_regex), body_regex),
    (lambda e: bool(e.expect.headers), headers),
    (lambda e: e.expect.redirect is not None, redirect),
    (lambda e: e.expect.cert_days is not None, cert_expiry),
    (lambda e: bool(e.expect.metrics), metrics_exposed),
]
