"""Inventory entries of kind ``containers``: one container by name, optionally in depth."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .common import Common, Eventually
from .hosts import parse_size

_BOUND = re.compile(r"^\s*(>=|<=|==|>|<)\s*(\S.*)$")


def parse_bound(text: str) -> tuple[str, int]:
    """``">= 512MiB"`` -> (">=", 536870912): a comparison and a size."""
    match = _BOUND.match(text)
    if not match:
        raise ValueError(f"memory_limit: {text!r} must be true or a comparison with a size, e.g. '>= 512MiB'")
    return match.group(1), parse_size(match.group(2).strip())


@dataclass(kw_only=True)
class ContainerExec:
    """A command run inside the container (``docker exec``, read-only by intent): exit code and output."""

    command: list[str] | str  # a string runs with /bin/sh -c
    exit_code: int = 0
    output_match: str | None = None  # regex searched in stdout+stderr


@dataclass(kw_only=True)
class VolumeCheck:
    """A named volume the container mounts: it exists, and (optionally) stays within a size budget."""

    name: str
    max_size: str | None = None  # bytes or 512M, 10GiB (as `docker system df -v` counts it)

    def __post_init__(self) -> None:
        if self.max_size is not None:
            parse_size(self.max_size)


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
    # in depth: opt-in, see the README, "Containers in depth"
    memory_limit: bool | str = False  # true: a memory limit must be set; ">= 512MiB", "<= 2GiB": and its value
    max_memory_percent: float | None = None  # memory use vs the limit
    pinned_image: bool = False  # the image is a tag other than :latest, or a digest
    exec: list[ContainerExec] = field(default_factory=list)
    reaches: list[str] = field(default_factory=list)  # "host:port" the container must connect to
    eventually: Eventually | None = None  # post-deploy: wait for running and healthy (health "starting")
    volumes: list[VolumeCheck] = field(default_factory=list)  # named volumes it must mount (and their size)

    def __post_init__(self) -> None:
        if self.host is not None and not self.name.startswith(f"{self.host}/"):
            self.name = f"{self.host}/{self.name}"
        if isinstance(self.memory_limit, str):
            parse_bound(self.memory_limit)
        if self.max_restarts < 0:
            raise ValueError("max_restarts must be >= 0")
        for target in self.reaches:
            host, _, port = target.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"reaches: {target!r} must be host:port, e.g. 127.0.0.1:16379")
            if not 1 <= int(port) <= 65535:
                raise ValueError(f"reaches: {target!r}: {port} is not a TCP port (1-65535)")
