"""Monitoring-stack entries: Prometheus, Alertmanager, Grafana (issue 6)."""

from __future__ import annotations

from dataclasses import dataclass

from .entries import Common


@dataclass(kw_only=True)
class PrometheusEntry(Common):
    name: str


@dataclass(kw_only=True)
class AlertmanagerEntry(Common):
    name: str


@dataclass(kw_only=True)
class GrafanaEntry(Common):
    name: str
