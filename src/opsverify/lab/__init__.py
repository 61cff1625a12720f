"""The lab: a real stack on this machine for the suite's own tests and the demo (`opsverify lab up|down|status`)."""

from __future__ import annotations

from . import monitoring, readiness, stack
from .engine import LabError, ensure_engine


def up(start_engine: bool = True) -> None:
    ensure_engine(start=start_engine)
    stack.up()
    readiness.up()
    monitoring.up()


def down() -> None:
    monitoring.down()
    readiness.down()
    ensure_engine(start=False)
    stack.down()


def status() -> list[str]:
    ensure_engine(start=False)
    return stack.status() + monitoring.status()


__all__ = ["LabError", "down", "ensure_engine", "status", "up"]
