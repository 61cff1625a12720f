"""Inventory entries of kind ``grafana``."""

from __future__ import annotations

from dataclasses import dataclass, field

from .server import Server


@dataclass(kw_only=True)
class GrafanaEntry(Server):
    """A Grafana: health, datasources present and healthy, dashboards present, default admin password changed."""

    user: str | None = None  # basic auth for the API (or give headers: {Authorization: Bearer <token>})
    password: str | None = field(default=None, repr=False)
    datasources: list[str] = field(default_factory=list)  # by name or uid
    dashboards: list[str] = field(default_factory=list)  # by uid or exact title
    default_admin_refused: bool = True  # a basic-auth login as admin/admin must be refused
