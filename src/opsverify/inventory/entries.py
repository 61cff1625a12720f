"""Inventory entry types for containers and HTTP endpoints; other families have their own modules.

Every entry has ``name`` (the target in test ids and messages), an optional ``severity`` overriding the
per-check default, an optional ``environments`` list restricting it to some environments, and ``description``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Duration
from ..severity import SeverityName


@dataclass(kw_only=True)
class Common:
    severity: SeverityName | None = None
    environments: list[str] | None = None
    description: str = ""


@dataclass(kw_only=True)
class ContainerEntry(Common):
    """One container by name. ``name`` is the container name as ``docker ps`` shows it."""

    name: str
    expect_running: bool = field(default=True, metadata={"key": "running"})
    healthy: bool | None = None  # None: check health when the image/compose defines a HEALTHCHECK
    max_restarts: int = 3
    allow_oom: bool = False

    def __post_init__(self) -> None:
        if self.max_restarts < 0:
            raise ValueError("max_restarts must be >= 0")


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
    status: int | list[int] = 200
    json: dict[str, str | int | float | bool] = field(default_factory=dict)
    json_match: dict[str, str] = field(default_factory=dict)
    max_time: Duration | None = None


@dataclass(kw_only=True)
class HttpEntry(Common):
    """An HTTP endpoint: status, JSON fields (dotted paths), response-time budget."""

    name: str
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may carry tokens
    timeout: Duration | None = None  # default: defaults.timeout
    verify_tls: bool = True
    expect: HttpExpect = field(default_factory=HttpExpect)

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
