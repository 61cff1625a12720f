"""What every inventory entry has, and the validation helpers entries share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema import Duration
from ..severity import SeverityName


@dataclass(kw_only=True)
class Common:
    severity: SeverityName | None = None
    environments: list[str] | None = None
    description: str = ""


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
