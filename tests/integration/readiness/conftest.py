"""Readiness targets of the lab: sshd on 127.0.0.1:2222, env files, logs, backups, cron (all set up by `lab up`)."""

from __future__ import annotations

from typing import Any

import pytest

from opsverify.errors import InventoryError
from opsverify.lab import readiness, sshd
from opsverify.schema import Converter


@pytest.fixture(scope="session")
def lab(lab_stack: None) -> readiness.Path:
    """The state folder of the lab's readiness targets."""
    return readiness.state_dir()


@pytest.fixture(scope="session")
def ssh_access() -> dict[str, Any]:
    """Keys of a hosts entry that reach the lab's sshd as root with host-key checking on."""
    return {"spec": sshd.spec(), "identity_file": str(sshd.identity_file()), "known_hosts": str(sshd.known_hosts())}


def build(cls: type, **data: Any) -> Any:
    """An entry as the inventory loader would make it (same validation)."""
    return Converter("test.yml", InventoryError).dataclass(data, cls, "", 1)
