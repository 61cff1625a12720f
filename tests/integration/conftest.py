"""The lab for integration tests: brought up once per session (Docker engine started if needed and allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsverify import lab


@pytest.fixture(scope="session")
def lab_stack() -> None:
    """The compose stack of fixtures/lab: healthy api + redis and the fault variants, settled."""
    try:
        lab.up()
    except lab.LabError as exc:
        pytest.skip(f"lab unavailable: {exc}")


@pytest.fixture
def write_inventory(tmp_path: Path):
    """Write an inventory YAML into tmp_path and return its path."""

    def write(text: str, name: str = "inventory.yml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
