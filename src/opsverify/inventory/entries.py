"""Inventory entry types for containers and HTTP endpoints; other families have their own modules.

Every entry has ``name`` (the target in test ids and messages), an optional ``severity`` overriding the
per-check default, an optional ``environments`` list restricting it to some environments, and ``description``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx

from ..schema import Duration
from ..severity import SeverityName


@dataclass(kw_only=True)
class Common:
    severity: SeverityName | None = None
    environments: list[str] | None = None
    description: str = ""


@dataclass(kw_only=True)
class ContainerExec:
    """A command run inside the container (``docker exec``, read-only by intent): exit code and output."""

    command: list[str] | str  # a string runs with /bin/sh -c
    exit_code: int = 0
    output_match: str | None = None  # regex searched in stdout+stderr


@dataclass(kw_only=True)
class ContainerEntry(Common):
    """One container by name. ``name`` is the container name as ``docker ps`` shows it."""

    name: str
    expect_running: bool = field(default=True, metadata={"key": "running"})
    healthy: bool | None = None  # None: check health when the image/compose defines a HEALTHCHECK
    max_restarts: int = 3
    allow_oom: bool = False
    # in depth (issue 5): opt-in, see the README, "Containers in depth"
    memory_limit: bool = False  # a memory limit must be set
    max_memory_percent: float | None = None  # memory use vs the limit
    pinned_image: bool = False  # the image is a tag other than :latest, or a digest
    exec: list[ContainerExec] = field(default_factory=list)
    reaches: list[str] = field(default_factory=list)  # "host:port" the container must connect to

    def __post_init__(self) -> None:
        if self.max_restarts < 0:
            raise ValueError("max_restarts must be >= 0")
        for target in self.reaches:
            host, _, port = target.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"reaches: {target!r} must be host:port, e.g. 127.0.0.1:16379")


@dataclass(kw_only=True)
class ComposeEntry(Common):
    """Every service of a compose project, found through the ``com.docker.compose.*`` labels.

    ``services`` lists the services that must exist (default: every service that has a container, running or not);
    ``exclude`` drops services from the per-container checks. Container options apply to each container.
    """

    project: str
    services: list[str] | None = None
    exclude: list[str] = field(default_factory=list)
    max_restarts: int = 3
    allow_oom: bool = False

    @property
    def name(self) -> str:
        return self.project


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
class Eventually:
    """Poll until every expectation passes or ``within`` has passed (post-deploy runs)."""

    within: Duration
    interval: Duration = Duration(2.0)

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.within < self.interval:
            raise ValueError("eventually: need interval > 0 and within >= interval")


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

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        try:
            httpx.URL(self.url).port  # noqa: B018 - validates host and port now, not at check time
        except (httpx.InvalidURL, ValueError) as exc:
            raise ValueError(f"bad url {self.url!r}: {exc}") from None
        self.method = self.method.upper()
        if self.method not in ("GET", "HEAD", "OPTIONS") and not self.allow_write:
            raise ValueError(f"method {self.method} can change the target: checks only read unless allow_write: true")
        if self.expect.redirect is not None and self.follow_redirects:
            raise ValueError("expect.redirect checks the redirect itself: it needs follow_redirects: false")
        if self.expect.cert_days is not None and not self.url.startswith("https://"):
            raise ValueError("expect.cert_days needs an https:// url")


def check_regex(pattern: str) -> None:
    """ValueError (a file:line error at load) for a pattern that does not compile."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None


def _selector(text: str) -> None:
    import promql_parser

    try:
        node = promql_parser.parse(text)
    except Exception as exc:  # promql_parser raises an untyped error
        raise ValueError(f"bad metric selector {text!r}: {exc}") from None
    if type(node).__name__ != "VectorSelector":
        raise ValueError(f'bad metric selector {text!r}: expected name or name{{label="value"}}')
