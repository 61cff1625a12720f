"""Daily readiness entries: logs, backups, secrets (issue 5)."""

from __future__ import annotations

from dataclasses import dataclass

from .entries import Common


@dataclass(kw_only=True)
class LogEntry(Common):
    name: str


@dataclass(kw_only=True)
class BackupEntry(Common):
    name: str


@dataclass(kw_only=True)
class SecretsEntry(Common):
    name: str
