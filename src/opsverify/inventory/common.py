"""What every inventory entry has, and the validation helpers entries share."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from ..schema import Duration
from ..severity import SeverityName


@dataclass(kw_only=True)
class Common:
    severity: SeverityName | None = None
    environments: list[str] | None = None
    description: str = ""


def check_url_port(url: str) -> None:
    """ValueError for a URL whose explicit port is not a TCP port (httpx accepts ``:99999``)."""
    try:
        port = urllib.parse.urlsplit(url).port
    except ValueError as exc:
        raise ValueError(f"bad url {url!r}: {exc}") from None
    if port is not None and not 1 <= port <= 65535:
        raise ValueError(f"bad url {url!r}: port {port} is not a TCP port (1-65535)")


def check_regex(pattern: str) -> None:
    """ValueError (a file:line error at load) for a pattern that does not compile."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None


@dataclass(kw_only=True)
class Eventually:
    """Poll until the entry's "not yet" expectations pass or ``within`` has passed (post-deploy runs).

    Attempts start every ``interval``; none starts after ``within``; each is bounded by the entry's timeout.
    """

    within: Duration
    interval: Duration = Duration(2.0)

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.within < self.interval:
            raise ValueError("eventually: need interval > 0 and within >= interval")
