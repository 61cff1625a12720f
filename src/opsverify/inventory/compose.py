"""Inventory entries of kind ``compose``: every service of a compose project."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import Common


@dataclass(kw_only=True)
class ComposeEntry(Common):
    """Every service of a compose project, found through the ``com.docker.compose.*`` labels.

    ``services`` lists the services that must exist (default: every service that has a container, running or not);
    ``exclude`` drops services from the per-container checks. Container options apply to each container.
    """

    project: str
    host: str | None = None  # a hosts entry: the project runs there (ids read host/project)
    services: list[str] | None = None
    exclude: list[str] = field(default_factory=list)
    max_restarts: int = 3
    allow_oom: bool = False

    @property
    def name(self) -> str:
        return f"{self.host}/{self.project}" if self.host else self.project
