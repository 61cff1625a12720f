"""Waivers: a known failure accepted until a date, with a reason. Nothing is waved through silently.

A waiver matches check ids (``test_container_healthy[shop-worker]``, globs allowed) and, with ``reason_match``, the
failure's one-line reason (a regex searched in it): a waiver for "load is high" then cannot hide "connection refused"
on the same check. A failure whose reason does not match counts, with a note saying so. While it is active, a matching
failure is reported as *waived* (pytest's xfail) with the reason, and does not count towards ``--fail-on``. After
``expires`` the waiver no longer applies and the failure counts again, with a note that the waiver expired.
The summary lists every waived failure, every expired waiver, and waivers that matched no failing check.
"""

from __future__ import annotations

import datetime
import fnmatch
import re
from dataclasses import dataclass

from .common import check_regex


@dataclass(kw_only=True)
class Waiver:
    check: str  # a check id, or a glob over ids: "test_container_*[lab-crashloop]"
    reason: str
    expires: datetime.date
    owner: str = ""
    reason_match: str | None = None  # regex searched in the failure's one-line reason; None: any reason

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("a waiver needs a reason")
        if self.reason_match is not None:
            check_regex(self.reason_match)

    def matches_reason(self, reason: str) -> bool:
        return self.reason_match is None or re.search(self.reason_match, reason) is not None

    def matches(self, check_id: str) -> bool:
        # `[` opens a character class in fnmatch; ids are matched literally there, globs elsewhere
        pattern = self.check.replace("[", "[[]")
        return fnmatch.fnmatchcase(check_id, pattern) or check_id == self.check

    def active(self, today: datetime.date) -> bool:
        return today <= self.expires

    def describe(self) -> str:
        who = f", owner {self.owner}" if self.owner else ""
        return f"{self.reason} (waiver until {self.expires.isoformat()}{who})"

    def days_left(self, today: datetime.date) -> int:
        return (self.expires - today).days


def find(waivers: list[Waiver], check_id: str, reason: str = "") -> Waiver | None:
    """The first waiver for ``check_id`` whose reason matches; else the first for the id at all (whose reason does
    not match: the caller reports that), else None."""
    candidates = [w for w in waivers if w.matches(check_id)]
    return next((w for w in candidates if w.matches_reason(reason)), candidates[0] if candidates else None)
