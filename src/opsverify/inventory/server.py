"""A monitoring server reached over HTTP: what Prometheus, Alertmanager and Grafana entries share."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Duration
from .common import Common, check_url_port


@dataclass(kw_only=True)
class Server(Common):
    """A monitoring server reached over HTTP."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # e.g. Authorization: Bearer ...
    timeout: Duration | None = None  # default: defaults.timeout
    verify_tls: bool = True

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        check_url_port(self.url)
        self.url = self.url.rstrip("/")
