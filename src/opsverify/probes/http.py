"""Kind ``http``: one request per entry (or polling, with ``eventually``), bounded in time and size; judges are in\n:mod:`opsverify.probes.http_judges`."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from ..adapters.http import Deadline, ExchangeClock, describe_error, read_capped, ssl_context
from ..inventory import HttpEntry
from ..kinds import Kind
from . import http_tls
from .eventually import poll
from .http_facts import HttpFacts
from .http_judges import verdicts


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
    return poll(
        lambda: fetch(entry, timeout, max_body, transport, follow),
        lambda facts: all(v.ok for v in verdicts(entry, facts)),
        entry.eventually,
        sleep,
    )


def fetch(
    entry: HttpEntry,
    timeout: float,
    max_body: int,
    transport: httpx.BaseTransport | None = None,
    follow_redirects: bool = False,
) -> HttpFacts:
    """Make the request; the whole exchange is bounded by ``timeout`` (connect, each read, and in total)."""
    started = time.monotonic()
    deadline = Deadline(timeout)
    try:
        with (
            deadline,
            httpx.Client(
                timeout=timeout,
                verify=ssl_context(entry.verify_tls),
                transport=transport,
                follow_redirects=follow_redirects,
            ) as client,
            client.stream(
                entry.method,
                entry.url,
                headers=entry.headers,
                content=entry.body.encode() if entry.body is not None else None,
                extensions={"trace": deadline.trace},
            ) as response,
        ):
            stream = response.extensions.get("network_stream")
            cert = http_tls.from_stream(stream)
            with ExchangeClock(stream) as clock:
                body, truncated = read_capped(response, max_body, started + timeout)
                exchange = clock.seconds()
            return HttpFacts(
                url=entry.url,
                status=response.status_code,
                elapsed=time.monotonic() - started,
                exchange=exchange,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body,
                truncated=truncated,
                history=[r.status_code for r in response.history],
                cert=cert,
            )
    except httpx.HTTPError as exc:
        error = describe_error(exc, timeout, overran=deadline.fired)
        return HttpFacts(url=entry.url, error=error, elapsed=time.monotonic() - started)


KIND: Kind[HttpEntry] = Kind(
    "http",
    gather=lambda e, ctx: gather(e, ctx.timeout_for(e), ctx.inventory.defaults.max_body_bytes),
    head_start=True,  # test_http_status checks every endpoint without `redirect:`, test_http_redirect the others
    spread=True,  # one request per probe, each with its own client
)
