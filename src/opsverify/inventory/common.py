"""What every inventory entry has, and the validation helpers entries share."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
