"""Inventory entries of kind ``secrets``: variables set, not placeholders, files not world-readable."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Duration
from .common import Common

PLACEHOLDERS = ["changeme", "change-me", "change_me", "admin", "password", "example", "xxx", "secret", "todo", "test"]


@dataclass(kw_only=True)
class SecretsEntry(Common):
    """Required keys of an env file (or a container's environment) are set, non-empty and not left at a default."""

    name: str
    env_file: str | None = None
    container: str | None = None
    host: str | None = None
    required: list[str] = field(default_factory=list)
    example_file: str | None = None  # default: <env_file>.example when it exists
    placeholders: list[str] = field(default_factory=lambda: list(PLACEHOLDERS))
    min_length: int = 1
    timeout: Duration | None = None

    def __post_init__(self) -> None:
        if (self.env_file is None) == (self.container is None):
            raise ValueError("give exactly one of env_file (a KEY=value file) or container (its environment)")
        if self.container is not None and self.example_file is not None:
            raise ValueError("example_file applies to an env_file, not to a container")
        if not self.required:
            raise ValueError("required: list the keys that must be set")
