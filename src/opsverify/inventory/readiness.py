"""Daily readiness entries: logs, backups, secrets (issue 5).

``host`` in these entries is the name of an entry under ``hosts:`` (its spec and ssh options are used) or a
testinfra spec itself (``local://``, ``ssh://...``, ``docker://name``); without it, files are read on this machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import Duration
from .entries import Common, check_regex
from .hosts import parse_size

DEFAULT_ERROR_PATTERN = r"(?i)\b(error|fatal|panic|critical|exception|traceback)\b"
PLACEHOLDERS = ["changeme", "change-me", "change_me", "admin", "password", "example", "xxx", "secret", "todo", "test"]
_SAFE_GLOB = re.compile(r"^[A-Za-z0-9._*?\[\]{},+@%=-]+$")


@dataclass(kw_only=True)
class LogEntry(Common):
    """Lines matching ``pattern`` in a container's log or a log file, over the last ``since``, at most ``max_matches``."""

    name: str
    container: str | None = None
    path: str | None = None  # a log file on ``host``
    host: str | None = None
    pattern: str = DEFAULT_ERROR_PATTERN
    ignore: str | None = None  # lines matching this are not counted
    since: Duration = Duration(86400.0)
    max_matches: int = 0
    show: int = 5  # how many of the last matching lines the failure shows
    max_bytes: int = 8_388_608  # a log file is read from its last this-many bytes
    timeout: Duration | None = None

    def __post_init__(self) -> None:
        if (self.container is None) == (self.path is None):
            raise ValueError("give exactly one of container (its docker logs) or path (a log file)")
        if self.container is not None and self.host is not None:
            raise ValueError("host applies to a log file (path), not to a container's log")
        for pattern in (self.pattern, self.ignore):
            if pattern is not None:
                check_regex(pattern)
        if self.max_matches < 0 or self.show < 0:
            raise ValueError("max_matches and show must be >= 0")


@dataclass(kw_only=True)
class BackupEntry(Common):
    """The backups in ``directory`` matching ``glob``: fresh, big enough, readable, checksummed, kept."""

    name: str
    directory: str
    glob: str = "*"
    host: str | None = None
    max_age: Duration = Duration(93600.0)  # 26h: a nightly job with some slack
    min_size: str = "1"  # bytes or 10K, 5MiB
    min_count: int = 1
    retention: Duration | None = None  # no backup may be older than this (old ones must be pruned)
    verify_archive: bool = True  # tar/tar.gz/tgz/zip must list; .gpg must be OpenPGP data
    checksum: bool = False  # the newest has <file>.sha256 (or an entry in SHA256SUMS) that matches
    timeout: Duration | None = None

    def __post_init__(self) -> None:
        parse_size(self.min_size)
        if not _SAFE_GLOB.match(self.glob) or "/" in self.glob:
            raise ValueError(f"glob {self.glob!r}: use a file-name pattern without / or spaces, e.g. db-*.tar.gz")
        if self.min_count < 0:
            raise ValueError("min_count must be >= 0")

    @property
    def min_size_bytes(self) -> int:
        return parse_size(self.min_size)


@dataclass(kw_only=True)
class SecretsEntry(Common):
    """Required keys of an env file (or a container's environment) are set, non-empty and not left at a default."""

    name: str
    env_file: str | None = None
    container: str | None = None
    host: str | None = None
    required: list[str] = field(default_factory=list)
    example_file: str | None = None  # default: <env_file>.example when it exists
    placeholders: list[str] = field(default_factory=lambda: list(PLACEHOLDERS))
    min_length: int = 1
    timeout: Duration | None = None

    def __post_init__(self) -> None:
        if (self.env_file is None) == (self.container is None):
            raise ValueError("give exactly one of env_file (a KEY=value file) or container (its environment)")
        if self.container is not None and (self.host is not None or self.example_file is not None):
            raise ValueError("host and example_file apply to an env_file, not to a container")
        if not self.required:
            raise ValueError("required: list the keys that must be set")
