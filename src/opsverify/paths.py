"""Where opsverify's own files are, inside the installed package: the checks suite, the lab, the embedded
inventories. The repository's top-level ``checks/`` and ``fixtures/`` are symlinks to these folders."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
FIXTURES = PACKAGE / "fixtures"


def checks_dir() -> Path:
    """The built-in checks suite (a package: ``opsverify.checks``)."""
    return PACKAGE / "checks"


def lab_dir() -> Path:
    return FIXTURES / "lab"


def default_inventory(name: str = "lab") -> Path:
    """The embedded inventories: ``lab`` (the Docker lab stack) and ``local`` (this host only)."""
    return FIXTURES / "inventory" / f"{name}.yml"
