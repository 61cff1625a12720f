"""What a check concludes about one target (a :class:`Verdict`: ok or not, and one line a person understands),
and ``expect(verdict)``, which passes or raises a :class:`CheckFailure` whose text is that line (the plugin
renders it instead of a traceback)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    """``message`` is one line naming target, expected and got; ``details`` are extra lines shown after it."""

    ok: bool
    target: str
    message: str
    details: list[str] = field(default_factory=list)
    attempts: int = 1

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def passed(cls, target: str, message: str = "ok") -> Verdict:
        return cls(True, target, f"{target}: {message}")

    @classmethod
    def failed(cls, target: str, message: str, details: list[str] | None = None) -> Verdict:
        return cls(False, target, f"{target}: {message}", list(details or []))


def quote(value: object) -> str:
    """Render a value in messages: strings in double quotes, the rest as-is."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def shorten(text: str, limit: int = 160) -> str:
    """One line, at most ``limit`` characters: for echoing target output inside a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
