"""What ``checks/`` modules call: ``expect(verdict)`` passes or raises a :class:`CheckFailure` whose text is the
verdict's one line (target, expected, got). The plugin renders it instead of a traceback."""

from __future__ import annotations

import threading

from .verdict import Verdict

_current = threading.local()


class CheckFailure(AssertionError):
    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        super().__init__(verdict.message)

    def render(self) -> str:
        return "\n".join([self.verdict.message, *("    " + d for d in self.verdict.details)])


def expect(verdict: Verdict) -> Verdict:
    """Assert a verdict. Returns it when it passed, so a check can expect several in a row."""
    __tracebackhide__ = True
    seen = getattr(_current, "verdicts", None)
    if seen is not None:
        seen.append(verdict)
    if not verdict.ok:
        raise CheckFailure(verdict)
    return verdict


def start_recording() -> list[Verdict]:
    """Used by the plugin around each check: collects the verdicts ``expect`` saw."""
    _current.verdicts = []
    recorded: list[Verdict] = _current.verdicts
    return recorded


def stop_recording() -> None:
    _current.verdicts = None
