"""The one place RE2 (google-re2) is used: Alertmanager's regex matchers are fully anchored Go/RE2 expressions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

import re2  # type: ignore[import-untyped]


class Pattern(Protocol):
    def search(self, text: str) -> Any: ...


class RegexError(ValueError):
    """The pattern is not valid RE2 syntax."""


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


@lru_cache(maxsize=4096)
def anchored(pattern: str) -> Pattern:
    """``^(?:pattern)$`` compiled with RE2, as Alertmanager's labels.NewMatcher and config.Regexp do."""
    return unanchored(f"^(?:{pattern})$")


@lru_cache(maxsize=1024)
def unanchored(pattern: str) -> Pattern:
    """RE2 that may match anywhere (Go's regexp.MatchString, the template function ``match``)."""
    try:
        return re2.compile(pattern, options=_OPTIONS)  # type: ignore[no-any-return]
    except re2.error as exc:
        detail = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexError(f"error parsing regexp: {detail}") from None
