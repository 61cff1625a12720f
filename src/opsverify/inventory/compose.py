"""Inventory entries of kind ``compose``: every service of a compose project."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import Common, Eventually


@dataclass(kw_only=True)
class ComposeEntry(Common):
    """Every service of a compose project, found through the ``com.docker.compose.*`` labels.

    ``services`` lists the services that must exist (default: every service that has a container, running or not);
    ``exclude`` drops services from the per-container checks. Container options apply to each container.
    """

    project: str
    host: str | None = None  # a hosts entry: the project runs there; ``project`` then reads host/project
    services: list[str] | None = None
    exclude: list[str] = field(default_factory=list)
    max_restarts: int = 3
    allow_oom: bool = False
    eventually: Eventually | None = None  # post-deploy: wait for every service (and container) to be up

    @property
    def name(self) -> str:
        return self.project

    def __post_init__(self) -> None:
        if self.host is not None and not self.project.startswith(f"{self.host}/"):
            self.project = f"{self.host}/{self.project}"
