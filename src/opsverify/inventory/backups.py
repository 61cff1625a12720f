"""Inventory entries of kind ``backups``: fresh, readable, checksummed, pruned archives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import Duration
from .common import Common
from .hosts import parse_size

_SAFE_GLOB = re.compile(r"^[A-Za-z0-9._*?\[\]{},+@%=-]+$")


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
    verify_archive: bool = True  # tar/tar.gz/tgz/zip must list; .gpg must be OpenPGP data (and list, with gpg_home)
    gpg_home: str | None = None  # a GnuPG home on the host holding the key: .gpg backups are decrypted and listed
    gpg_passphrase_file: str | None = None  # the key's passphrase, read by gpg from this file on the host
    contains: list[str] = field(default_factory=list)  # paths the newest archive must hold: data/ (a folder), .env
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
