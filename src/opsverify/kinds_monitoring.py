"""Target kinds for Prometheus, Alertmanager, Grafana, HTTP in depth (issue 6)."""

from __future__ import annotations

from .kinds import Kind

KINDS: dict[str, Kind] = {}
