"""What an HTTP probe saw: status, headers, body (capped), timing, redirects, the peer certificate."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import http_tls


@dataclass
class HttpFacts:
    url: str
    error: str | None = None  # no response at all: refused, timed out, TLS, ...
    status: int | None = None
    elapsed: float = 0.0  # wall clock around the whole fetch, client setup included
    exchange: float | None = None  # request sent -> response received, by the kernel's clock (see adapters.http)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False  # the body was larger than the limit; only the first part was read
    history: list[int] = field(default_factory=list)  # redirect statuses, when following redirects
    cert: http_tls.CertInfo | None = None  # the peer certificate, for https
    attempts: int = 1  # with `eventually`: how many requests were made
    polled: float = 0.0  # with `eventually`: seconds from the first request to the last answer

    @property
    def response_time(self) -> float:
        """The exchange itself when the socket could tell, else the wall-clock time of the fetch."""
        return self.elapsed if self.exchange is None else self.exchange

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()
