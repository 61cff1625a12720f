"""Inventory entries of kind ``logs``: an error budget over a container's log or a log file."""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Duration
from .common import Common, check_regex

DEFAULT_ERROR_PATTERN = r"(?i)\b(error|fatal|panic|critical|exception|traceback)\b"


@dataclass(kw_only=True)
class LogEntry(Common):
    """Lines matching ``pattern`` in a container's log or a log file, over the last ``since``, at most ``max_matches``."""

    name: str
    container: str | None = None
    path: str | None = None  # a log file on ``host``
    host: str | None = None  # a hosts entry (or spec): the file, or the container, is there
    pattern: str = DEFAULT_ERROR_PATTERN
    ignore: str | None = None  # lines matching this are not counted
    must_match: str | None = None  # at least one line in the window must match (e.g. "polling started")
    since: Duration = Duration(86400.0)
    max_matches: int = 0
    show: int = 5  # how many of the last matching lines the failure shows
    max_bytes: int = 8_388_608  # a log file is read from its last this-many bytes
    timeout: Duration | None = None

    def __post_init__(self) -> None:
        if (self.container is None) == (self.path is None):
            raise ValueError("give exactly one of container (its docker logs) or path (a log file)")
        for pattern in (self.pattern, self.ignore, self.must_match):
            if pattern is not None:
                check_regex(pattern)
        if self.max_matches < 0 or self.show < 0:
            raise ValueError("max_matches and show must be >= 0")
