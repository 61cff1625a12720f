"""Waivers: a known failure accepted until a date, with a reason. Nothing is waved through silently.

A waiver matches check ids (``test_container_healthy[shop-worker]``, globs allowed). While it is active, a matching
failure is reported as *waived* (pytest's xfail) with the reason, and does not count towards ``--fail-on``. After
``expires`` the waiver no longer applies and the failure counts again, with a note that the waiver expired.
The summary lists every waived failure, every expired waiver, and waivers that matched no failing check.
"""

from __future__ import annotations

import datetime
import fnmatch
from dataclasses import dataclass


@dataclass(kw_only=True)
class Waiver:
    check: str  # a check id, or a glob over ids: "test_container_*[lab-crashloop]"
    reason: str
    expires: datetime.date
    owner: str = ""

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("a waiver needs a reason")

    def matches(self, check_id: str) -> bool:
        # `[` opens a character class in fnmatch; ids are matched literally there, globs elsewhere
        pattern = self.check.replace("[", "[[]")
        return fnmatch.fnmatchcase(check_id, pattern) or check_id == self.check

    def active(self, today: datetime.date) -> bool:
        return today <= self.expires

    def describe(self) -> str:
        who = f", owner {self.owner}" if self.owner else ""
        return f"{self.reason} (waiver until {self.expires.isoformat()}{who})"


def find(waivers: list[Waiver], check_id: str) -> Waiver | None:
    return next((w for w in waivers if w.matches(check_id)), None)
