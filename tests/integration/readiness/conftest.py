"""Readiness targets of the lab: sshd on 127.0.0.1:2222, env files, logs, backups, cron (all set up by `lab up`)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from opsverify.errors import InventoryError
from opsverify.lab import engine, readiness, sshd, stack
from opsverify.lab.engine import LabError
from opsverify.schema import Converter


@pytest.fixture(scope="session")
def lab() -> readiness.Path:
    """The lab's compose stack and readiness targets (sshd, files, cron), without the monitoring services.

    Reuses a stack that is already up and settled (e.g. brought up by ``lab_stack`` earlier in the session).
    """
    try:
        engine.ensure_engine()
        _stack_up()
    except LabError as exc:
        pytest.skip(f"lab unavailable: {exc}")
    return readiness.state_dir()


def _stack_up(attempts: int = 3) -> None:
    """The stack unless settled, then the readiness targets; retried while another process brings the same
    stack up (compose name conflicts)."""
    for attempt in range(attempts):
        try:
            if not _stack_settled():
                stack.up()
            readiness.up()
            return
        except LabError:
            if attempt == attempts - 1:
                raise
            time.sleep(5)


def _stack_settled() -> bool:
    try:
        stack.wait_settled(0.5)
    except LabError:
        return False
    return True


@pytest.fixture(scope="session")
def ssh_access() -> dict[str, Any]:
    """Keys of a hosts entry that reach the lab's sshd as root with host-key checking on."""
    return {"spec": sshd.spec(), "identity_file": str(sshd.identity_file()), "known_hosts": str(sshd.known_hosts())}


def build(cls: type, **data: Any) -> Any:
    """An entry as the inventory loader would make it (same validation)."""
    return Converter("test.yml", InventoryError).dataclass(data, cls, "", 1)
