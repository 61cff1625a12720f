"""The lab: a real stack on this machine for the suite's own tests and the demo (`opsverify lab up|down|status`)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

from . import monitoring, readiness, stack
from .engine import LabError, ensure_engine


def up(start_engine: bool = True) -> None:
    """Bring the whole lab up; one process at a time (parallel test sessions share one lab)."""
    with _lock():
        ensure_engine(start=start_engine)
        stack.up()
        readiness.up()
        monitoring.up()


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    with open("/tmp/opsverify-lab.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def down() -> None:
    monitoring.down()
    readiness.down()
    ensure_engine(start=False)
    stack.down()


def status() -> list[str]:
    ensure_engine(start=False)
    return stack.status() + monitoring.status()


__all__ = ["LabError", "down", "ensure_engine", "status", "up"]
