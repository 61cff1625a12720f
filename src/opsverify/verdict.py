"""What a check concludes about one target: ok or not, and one line a person understands."""

from __future__ import annotations

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
