"""Helpers for the rules tests: the promtool peer and the shared rule corpora (skip, or fail under CI=true)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def promtool() -> str:
    """Path of promtool; skip when absent, but fail under CI=true (CI installs it)."""
    path = shutil.which("promtool") or ("/usr/bin/promtool" if Path("/usr/bin/promtool").exists() else None)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("promtool is not installed (CI must install Debian's prometheus package)")
    pytest.skip("promtool is not installed (apt-get install prometheus)")


def run_promtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False)


def shared_dir() -> Path:
    """../shared (or $OPSVERIFY_SHARED); skip when absent, fail under CI=true."""
    env = os.environ.get("OPSVERIFY_SHARED")
    path = Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared"
    if (path / "rule-corpora").is_dir():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{path}/rule-corpora is missing")
    pytest.skip(f"{path}/rule-corpora is missing (set OPSVERIFY_SHARED)")
