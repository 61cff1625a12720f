"""Inventory entries of kind ``containers``: one container by name, optionally in depth."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import Common


@dataclass(kw_only=True)
class ContainerExec:
    """A command run inside the container (``docker exec``, read-only by intent): exit code and output."""

    command: list[str] | str  # a string runs with /bin/sh -c
    exit_code: int = 0
    output_match: str | None = None  # regex searched in stdout+stderr


@dataclass(kw_only=True)
class ContainerEntry(Common):
    """One container by name. ``name`` is the container name as ``docker ps`` shows it; with ``host`` (a hosts
    entry) the container is on that host, reached over its SSH session, and the name becomes ``host/name``."""

    name: str
    host: str | None = None
    expect_running: bool = field(default=True, metadata={"key": "running"})
    healthy: bool | None = None  # None: check health when the image/compose defines a HEALTHCHECK
    max_restarts: int = 3
    allow_oom: bool = False
    # in depth (issue 5): opt-in, see the README, "Containers in depth"
    memory_limit: bool = False  # a memory limit must be set
    max_memory_percent: float | None = None  # memory use vs the limit
    pinned_image: bool = False  # the image is a tag other than :latest, or a digest
    exec: list[ContainerExec] = field(default_factory=list)
    reaches: list[str] = field(default_factory=list)  # "host:port" the container must connect to

    def __post_init__(self) -> None:
        if self.host is not None and not self.name.startswith(f"{self.host}/"):
            self.name = f"{self.host}/{self.name}"
        if self.max_restarts < 0:
            raise ValueError("max_restarts must be >= 0")
        for target in self.reaches:
            host, _, port = target.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"reaches: {target!r} must be host:port, e.g. 127.0.0.1:16379")
