"""Target kinds for hosts, containers in depth, logs, backups, secrets (issue 5)."""

from __future__ import annotations

from .kinds import Kind

KINDS: dict[str, Kind] = {}
