"""Hosts, reached through pytest-testinfra backends, and what to check on them.

```yaml
hosts:
  - name: web1
    spec: ssh://root@127.0.0.1:2222
    identity_file: /etc/opsverify/id_ed25519
    known_hosts: /etc/opsverify/known_hosts
    disks: [{mount: /, max_used_percent: 90, min_free: 2GiB}]
    memory: {min_available: 256MiB}
    load: {max_per_core: 2.0}
    ports: [22, 5432]
    files: [{path: /srv/app/.env, mode: "600", owner: root}]
    cron: [{pattern: 'backup\\.sh', user: root}]
    processes: [sshd]
    commands: [{command: "redis-cli ping", stdout_match: PONG}]
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..schema import Duration
from .common import Common, Eventually, check_regex

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(i?)B?\s*$", re.IGNORECASE)


def parse_size(value: str | int) -> int:
    """Bytes from ``1048576``, ``512K``, ``100MB``, ``2GiB`` (K/M/G/T are powers of 1024 either way)."""
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"negative size {value}")
        return value
    match = _SIZE.match(value)
    if not match:
        raise ValueError(f"bad size {value!r}: expected bytes or e.g. 512K, 100MB, 2GiB")
    power = "KMGTP".find(match.group(2).upper()) + 1 if match.group(2) else 0
    return int(float(match.group(1)) * 1024**power)


def format_size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"  # pragma: no cover


@dataclass(kw_only=True)
class DiskCheck:
    mount: str
    max_used_percent: float | None = 90.0
    min_free: str | None = None  # bytes or 512M, 2GiB

    def __post_init__(self) -> None:
        if self.min_free is not None:
            parse_size(self.min_free)

    @property
    def min_free_bytes(self) -> int | None:
        return None if self.min_free is None else parse_size(self.min_free)


@dataclass(kw_only=True)
class MemoryCheck:
    min_available: str | None = None
    min_available_percent: float | None = 10.0

    def __post_init__(self) -> None:
        if self.min_available is not None:
            parse_size(self.min_available)

    @property
    def min_available_bytes(self) -> int | None:
        return None if self.min_available is None else parse_size(self.min_available)


@dataclass(kw_only=True)
class LoadCheck:
    max_per_core: float = 2.0
    window: Literal["1m", "5m", "15m"] = "5m"


@dataclass(kw_only=True)
class FileCheck:
    path: str
    exists: bool = True
    type: Literal["file", "directory"] | None = None
    mode: str | None = None  # octal, exact: "600", "0640"
    owner: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        if self.mode is not None and not re.fullmatch(r"0?[0-7]{3,4}", self.mode):
            raise ValueError(f'mode must be octal like "600" or "0640", got {self.mode!r}')


@dataclass(kw_only=True)
class CronCheck:
    """A line matching ``pattern`` (regex) in ``user``'s crontab or in /etc/crontab and /etc/cron.d/*."""

    pattern: str
    user: str | None = None  # None: the system crontabs only
    system: bool = True  # also search /etc/crontab and /etc/cron.d/

    def __post_init__(self) -> None:
        check_regex(self.pattern)


@dataclass(kw_only=True)
class CommandCheck:
    command: str
    exit_code: int = 0
    stdout_match: str | None = None  # regex searched in stdout
    stdout_not_match: str | None = None

    def __post_init__(self) -> None:
        for pattern in (self.stdout_match, self.stdout_not_match):
            if pattern is not None:
                check_regex(pattern)


@dataclass(kw_only=True)
class HostEntry(Common):
    """A host as a pytest-testinfra spec: ``local://``, ``ssh://user@host:port``, ``docker://container``."""

    name: str
    spec: str
    identity_file: str | None = None  # ssh: private key (its contents are never read by opsverify)
    known_hosts: str | None = None  # ssh: host-key checking is always on; default ~/.ssh/known_hosts
    ssh_config: str | None = None
    timeout: Duration | None = None  # connect timeout and the limit for each command
    disks: list[DiskCheck] = field(default_factory=list)
    memory: MemoryCheck | None = None
    load: LoadCheck | None = None
    ports: list[int] = field(default_factory=list)
    files: list[FileCheck] = field(default_factory=list)
    cron: list[CronCheck] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)  # process names (as `ps -o comm`) that must run
    commands: list[CommandCheck] = field(default_factory=list)
    eventually: Eventually | None = None  # post-deploy: wait for the ports to listen and the processes to run

    def __post_init__(self) -> None:
        if "://" not in self.spec:
            raise ValueError(f"spec must be a testinfra host spec like local:// or ssh://user@host, got {self.spec!r}")
        scheme = self.spec.split("://", 1)[0]
        if scheme not in ("local", "ssh", "docker"):
            raise ValueError(f"spec scheme {scheme!r} is not supported: use local://, ssh://user@host or docker://name")
        for port in self.ports:
            if not 0 < port < 65536:
                raise ValueError(f"ports: {port} is not a TCP port number")
