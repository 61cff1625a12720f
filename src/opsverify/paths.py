"""Where the project's own files are: the checks suite, the lab, the embedded default inventories."""

from __future__ import annotations

from pathlib import Path

from .errors import OpsverifyError


def project_root() -> Path:
    """The opsverify checkout (the folder holding ``checks/`` and ``fixtures/``)."""
    candidates = [Path(__file__).resolve().parents[2], Path.cwd()]
    for root in candidates:
        if (root / "checks").is_dir() and (root / "fixtures").is_dir():
            return root
    raise OpsverifyError(
        "cannot find the opsverify checks suite (a folder with checks/ and fixtures/); run from the opsverify checkout"
    )


def checks_dir() -> Path:
    return project_root() / "checks"


def lab_dir() -> Path:
    return project_root() / "fixtures" / "lab"


def default_inventory(name: str = "lab") -> Path:
    """The embedded inventories: ``lab`` (the Docker lab stack) and ``local`` (this host only)."""
    return project_root() / "fixtures" / "inventory" / f"{name}.yml"
