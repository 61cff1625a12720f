"""The one place where httpx errors become ours: a failed exchange in one line of words, bounded body reads,\nand one TLS context per verify mode for the whole run."""

from __future__ import annotations

import functools
import os
import socket
import ssl
import struct
import threading
import time
from typing import Any

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


# struct tcp_info (linux/tcp.h): tcpi_last_data_sent at byte 44, tcpi_last_data_recv at byte 52, both in ms ago
_TCP_INFO_LAST_DATA = struct.Struct("=I4xI")
_TCP_INFO_SIZE = 104


class ExchangeClock:
    """How long an exchange took as the kernel saw it: from the last byte of the request leaving to the last byte of
    the response arriving on this connection (Linux ``TCP_INFO``, ~4 ms resolution).

    Wall-clock timing in a thread also counts the time the thread waited for the interpreter once the answer was
    there (a busy probe pool adds seconds); the kernel's timestamps do not. Made once the response headers are in
    (it holds a duplicate of the socket, so the kernel still knows the connection after httpx closes it), read once
    the body is read. ``seconds()`` is None where the socket cannot tell (not Linux, not TCP, a test transport).
    """

    def __init__(self, network_stream: Any) -> None:
        self._sock: socket.socket | None = None
        try:
            fileno = network_stream.get_extra_info("socket").fileno()
            self._sock = socket.socket(fileno=os.dup(fileno))
        except (AttributeError, OSError, TypeError, ValueError):
            self._sock = None

    def seconds(self) -> float | None:
        if self._sock is None:
            return None
        try:
            raw = self._sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_SIZE)
            sent_ago, received_ago = _TCP_INFO_LAST_DATA.unpack_from(raw, 44)
        except (AttributeError, OSError, struct.error):
            return None
        return max(0, int(sent_ago) - int(received_ago)) / 1000

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> ExchangeClock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Deadline:
    """Ends an exchange still going at its deadline. httpx bounds each read, not the whole: a server that trickles its
    status line and headers one byte per second never hits a read timeout. At the deadline the connection's socket is
    shut down, the blocked read returns, and ``fired`` tells the caller why the exchange failed.

    Pass :meth:`trace` as the request's ``trace`` extension: it learns the connection's stream as httpcore opens it.
    """

    GRACE = 0.25  # a silent server meets httpx's own read timeout first, and is reported as a plain timeout

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._stream: Any = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds) + self.GRACE, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            with self._lock:
                self._stream = info.get("return_value")
                if self.fired:
                    self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        try:
            sock = self._stream.get_extra_info("socket")
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # not SSLSocket.shutdown: it drops TLS state mid-read
        except (AttributeError, OSError, TypeError):
            pass

    def cancel(self) -> None:
        self._timer.cancel()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def describe_error(exc: httpx.HTTPError, timeout: float, overran: bool = False) -> str:
    """One line for a failed exchange: what kind of failure, in words (``overran``: a :class:`Deadline` fired)."""
    if overran and not isinstance(exc, httpx.TimeoutException):
        return f"no complete answer within {timeout:g}s (still sending when the time for the whole exchange was up)"
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
