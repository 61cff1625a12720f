"""The one place where httpx errors become ours: a failed exchange in one line of words, bounded body reads,\nand one TLS context per verify mode for the whole run."""

from __future__ import annotations

import functools
import ssl
import time

import httpx

from ..verdict import shorten


@functools.cache
def ssl_context(verify: bool) -> ssl.SSLContext:
    """One SSL context per verify mode for the whole run: building one costs ~20 ms of CPU, per client."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


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
