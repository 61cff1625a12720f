"""Hosts, reached through pytest-testinfra backends, and what to check on them (issue 5)."""

from __future__ import annotations

from dataclasses import dataclass

from .entries import Common


@dataclass(kw_only=True)
class HostEntry(Common):
    """A host as a pytest-testinfra spec: ``local://``, ``ssh://user@host:port``, ``docker://container``."""

    name: str
    spec: str

    def __post_init__(self) -> None:
        if "://" not in self.spec:
            raise ValueError(f"spec must be a testinfra host spec like local:// or ssh://user@host, got {self.spec!r}")
