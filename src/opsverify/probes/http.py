"""HTTP endpoints through httpx: one bounded request per endpoint, then pure judgements on what came back."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..inventory import HttpEntry
from ..verdict import Verdict, quote, shorten


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

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def gather(
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
                verify=entry.verify_tls,
                transport=transport,
                follow_redirects=follow_redirects,
            ) as client,
            client.stream(entry.method, entry.url, headers=entry.headers) as response,
        ):
            body, truncated = _read_capped(response, max_body, started + timeout)
            return HttpFacts(
                url=entry.url,
                status=response.status_code,
                elapsed=time.monotonic() - started,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body,
                truncated=truncated,
                history=[r.status_code for r in response.history],
            )
    except httpx.HTTPError as exc:
        return HttpFacts(url=entry.url, error=describe_error(exc, timeout), elapsed=time.monotonic() - started)


def _read_capped(response: httpx.Response, max_body: int, deadline: float) -> tuple[bytes, bool]:
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


def status(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, f"{entry.method} {entry.url}: {facts.error}")
    wanted = entry.expect.status if isinstance(entry.expect.status, list) else [entry.expect.status]
    if facts.status in wanted:
        return Verdict.passed(entry.name, f"HTTP {facts.status}")
    expected = " or ".join(str(w) for w in wanted)
    return Verdict.failed(entry.name, f"status is {facts.status}, expected {expected}; body: {_preview(facts)}")


def response_time(entry: HttpEntry, facts: HttpFacts) -> Verdict:
    budget = entry.expect.max_time
    if facts.error:
        return Verdict.failed(entry.name, f"{entry.method} {entry.url}: {facts.error}")
    if budget is not None and facts.elapsed > budget:
        return Verdict.failed(entry.name, f"responded in {facts.elapsed:.2f}s, expected within {budget:g}s")
    return Verdict.passed(entry.name, f"responded in {facts.elapsed:.2f}s")


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
            wrong.append(f"{path} is {_show(got)}, expected {quote(expected)}")
    for path, pattern in entry.expect.json_match.items():
        found, got = lookup(doc, path)
        if not found:
            wrong.append(f"{path} is missing, expected a match for /{pattern}/")
        elif not re.search(pattern, got if isinstance(got, str) else json.dumps(got)):
            wrong.append(f"{path} is {_show(got)}, expected a match for /{pattern}/")
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
        return None, f"body is not JSON ({kind}, {len(facts.body)} bytes): {_preview(facts)}"


def lookup(doc: Any, path: str) -> tuple[bool, Any]:
    """Dotted path into JSON: ``status``, ``checks.db``, ``items.0.name``."""
    node = doc
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.lstrip("-").isdigit() and -len(node) <= int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def _show(value: Any) -> str:
    return quote(value) if isinstance(value, str) else shorten(json.dumps(value), 80)


def _preview(facts: HttpFacts) -> str:
    if not facts.body:
        return "(empty)"
    text = facts.body[:400].decode("utf-8", errors="replace")
    return repr(shorten(text, 80))
