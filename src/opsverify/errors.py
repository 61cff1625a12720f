"""The project's own exception types. Third-party errors are mapped onto these at one place per dependency."""

from __future__ import annotations


class OpsverifyError(Exception):
    """Base class for every error opsverify raises on purpose."""


class SourceError(OpsverifyError):
    """Bad input in a file a user wrote: renders as ``file:line: what``.

    Exit code 4 when it stops a run. ``line`` is 1-based; 0 means "the file as a whole".
    """

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class InventoryError(SourceError):
    """The inventory file is invalid."""
