"""Inventory entries of kind ``http``: an endpoint and what a good answer looks like."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import httpx

from ..schema import Duration
from .common import Common, Eventually, check_regex, check_url_port


@dataclass(kw_only=True)
class HttpExpect:
    """What a good answer looks like. JSON paths are dotted (``checks.db``, ``items.0``) or ``$.a.b[0]``."""

    status: int | list[int] = 200
    json: dict[str, str | int | float | bool] = field(default_factory=dict)
    json_match: dict[str, str] = field(default_factory=dict)
    max_time: Duration | None = None
    body_regex: list[str] = field(default_factory=list)  # each must be found in the body (re.search, multiline)
    headers: dict[str, str] = field(default_factory=dict)  # header name -> regex its value must match
    redirect: str | None = None  # expect a 3xx (not followed) whose Location matches this regex
    cert_days: int | None = None  # the TLS certificate must stay valid at least this many more days
    metrics: list[str] = field(default_factory=list)  # Prometheus text format: selectors that must match a sample

    def __post_init__(self) -> None:
        for pattern in [*self.body_regex, *self.headers.values(), *self.json_match.values(), self.redirect or ""]:
            check_regex(pattern)
        if self.cert_days is not None and self.cert_days < 0:
            raise ValueError("cert_days must be >= 0")
        for selector in self.metrics:
            _selector(selector)


@dataclass(kw_only=True)
class HttpEntry(Common):
    """An HTTP endpoint: status, JSON fields, body, headers, redirects, TLS expiry, metrics, response time."""

    name: str
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may carry tokens
    timeout: Duration | None = None  # default: defaults.timeout
    verify_tls: bool = True
    follow_redirects: bool = False
    eventually: Eventually | None = None
    expect: HttpExpect = field(default_factory=HttpExpect)
    allow_write: bool = False  # checks only read: POST/PUT/PATCH/DELETE need this explicit opt-in
    read_only: bool = False  # a POST that only reads (a query API, e.g. Loki's or Elasticsearch's _search)
    body: str | None = None  # request body, sent as written (set Content-Type in headers)

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        check_url(self.url)
        self.method = self.method.upper()
        if self.read_only and self.method != "POST":
            raise ValueError(f"read_only: true is for POST query APIs; {self.method} needs allow_write: true")
        if self.method not in ("GET", "HEAD", "OPTIONS") and not (self.allow_write or self.read_only):
            raise ValueError(
                f"method {self.method} can change the target: checks only read unless allow_write: true "
                "(or read_only: true for a POST that only queries)"
            )
        if self.expect.redirect is not None and self.follow_redirects:
            raise ValueError("expect.redirect checks the redirect itself: it needs follow_redirects: false")
        if self.expect.cert_days is not None and not self.url.startswith("https://"):
            raise ValueError("expect.cert_days needs an https:// url")


_AUTHORITY_END = re.compile(r"[/?#]")  # where the authority ends, for httpx and for urllib alike
_MAX_URL = 65536  # httpx's limit


def check_url(url: str) -> None:
    """ValueError for a URL httpx would refuse at check time, or whose port is not a TCP port: validated now, at
    load. Only the scheme and authority (host, port) can be wrong in a URL httpx parses, besides its length and
    non-printable characters; so they are validated once per distinct ``scheme://authority`` (5000 endpoints on
    one server: one parse), and a URL with anything odd after them is parsed whole, for httpx's own message."""
    cut = _AUTHORITY_END.search(url, url.find("://") + 3)
    head, rest = (url[: cut.start()], url[cut.start() :]) if cut else (url, "")
    if len(url) > _MAX_URL or any(c.isascii() and not c.isprintable() for c in rest):
        _check_whole(url)
    try:
        _check_authority(head)
    except ValueError:
        _check_whole(url)  # the same fault, told about the whole URL
        raise


@functools.lru_cache(maxsize=4096)
def _check_authority(head: str) -> None:
    _check_whole(head)


def _check_whole(url: str) -> None:
    try:
        httpx.URL(url).port  # noqa: B018 - validates host and port now, not at check time
    except (httpx.InvalidURL, ValueError) as exc:
        raise ValueError(f"bad url {url!r}: {exc}") from None
    check_url_port(url)


def _selector(text: str) -> None:
    import promql_parser

    try:
        node = promql_parser.parse(text)
    except Exception as exc:  # promql_parser raises an untyped error
        raise ValueError(f"bad metric selector {text!r}: {exc}") from None
    if type(node).__name__ != "VectorSelector":
        raise ValueError(f'bad metric selector {text!r}: expected name or name{{label="value"}}')
