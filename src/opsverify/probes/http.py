"""HTTP endpoints through httpx: one bounded request per endpoint, then pure judgements on what came back."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, overload

import httpx

from ..inventory import HttpEntry
from ..verdict import Verdict, quote, shorten
from . import jsonpath, tls


@dataclass
class HttpFacts:
    url: str
    error: str | None = None  # no response at all: refused, timed out, TLS, ...
    status: int | None = None
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False  # the body was larger than the limit; only the first part was read
    history: list[int] = field(default_factory=list)  # redirect statuses, when following redirects
    cert: tls.CertInfo | None = None  # the peer certificate, for https
    attempts: int = 1  # with `eventually`: how many requests were made
    polled: float = 0.0  # with `eventually`: seconds from the first request to the last answer

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def gather(
    entry: HttpEntry,
    timeout: float,
    max_body: int,
    transport: httpx.BaseTransport | None = None,
    follow_redirects: bool | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> HttpFacts:
    """One request, or with ``eventually`` one every ``interval`` until every expectation passes or time is up."""
    follow = entry.follow_redirects if follow_redirects is None else follow_redirects
    if entry.eventually is None:
        return fetch(entry, timeout, max_body, transport, follow)
    started = time.monotonic()
    deadline = started + entry.eventually.within
    attempts = 0
    while True:
        attempts += 1
        facts = fetch(entry, timeout, max_body, transport, follow)
        if all(v.ok for v in verdicts(entry, facts)) or time.monotonic() + entry.eventually.interval > deadline:
            break
        sleep(entry.eventually.interval)
    facts.attempts, facts.polled = attempts, time.monotonic() - started
    return facts


@functools.cache
def ssl_context(verify: bool) -> ssl.SSLContext:
    """One SSL context per verify mode for the whole run: building one costs ~20 ms of CPU, per client."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def fetch(
    entry: HttpEntry,
    timeout: float,
    max_body: int,
    transport: httpx.BaseTransport | None = None,
    follow_redirects: bool = False,
) -> HttpFacts:
    """Make the request; the whole exchange is bounded by ``timeout`` (connect, each read, and in total)."""
    started = time.monotonic()
    try:
        with (
            httpx.Client(
                timeout=timeout,
                verify=ssl_context(entry.verify_tls),
                transport=transport,
                follow_redirects=follow_redirects,
            ) as client,
            client.stream(entry.method, entry.url, headers=entry.headers) as response,
        ):
            cert = tls.from_stream(response.extensions.get("network_stream"))
            body, truncated = read_capped(response, max_body, started + timeout)
            return HttpFacts(
                url=entry.url,
                status=response.status_code,
                elapsed=time.monotonic() - started,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body,
                truncated=truncated,
                history=[r.status_code for r in response.history],
                cert=cert,
            )
    except httpx.HTTPError as exc:
        return HttpFacts(url=entry.url, error=describe_error(exc, timeout), elapsed=time.monotonic() - started)


def read_capped(response: httpx.Response, max_body: int, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > max_body:
            return b"".join(chunks)[:max_body], True
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("total time budget exceeded while reading the body")
    return b"".join(chunks), False


def describe_error(exc: httpx.HTTPError, timeout: float) -> str:
    """One line for a failed exchange: what kind of failure, in words."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {timeout:g}s (connect timeout)"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g}s (timeout)"
    if isinstance(exc, httpx.ConnectError):
        reason = str(exc) or "connection failed"
        if "refused" in reason.lower():
            reason = "connection refused"
        return f"cannot connect: {shorten(reason, 100)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"broken HTTP response: {shorten(str(exc), 100)}"
    return f"{type(exc).__name__}: {shorten(str(exc), 100)}"


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
            if entry.eventually is None:
                return verdict
            how = "passed on attempt" if verdict.ok else "still failing after"
            tries = (
                f"{facts.attempts}" if verdict.ok else f"{facts.attempts} attempt{'s' if facts.attempts != 1 else ''}"
            )
            note = f" (eventually: {how} {tries}, {facts.polled:.1f}s of {entry.eventually.within:g}s)"
            return dataclasses.replace(verdict, message=verdict.message + note, attempts=facts.attempts)

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
    budget = entry.expect.max_time
    if budget is not None and facts.elapsed > budget:
        return Verdict.failed(entry.name, f"responded in {facts.elapsed:.2f}s, expected within {budget:g}s")
    return Verdict.passed(entry.name, f"responded in {facts.elapsed:.2f}s")


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
    return jsonpath.lookup(doc, path)


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


def verdicts(entry: HttpEntry, facts: HttpFacts) -> list[Verdict]:
    """Every judgement that applies to ``entry`` (what ``eventually`` waits for)."""
    from .httpexpect import JUDGES

    return [check(entry, facts) for applies, check in JUDGES if applies(entry)]
