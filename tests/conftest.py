"""Shared test wiring. Under CI=true an integration test that skips is a failure (the lab must really run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opsverify import masking

SHARED = Path(os.environ.get("OPSVERIFY_SHARED", Path(__file__).resolve().parents[2] / "shared"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if IN_CI and report.skipped and item.get_closest_marker("integration") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"integration test skipped under CI=true (the lab must run in CI): {reason}"
    return report


@pytest.fixture(autouse=True)
def _fresh_masker():
    """Secrets registered by one test must not leak into the next one's expectations."""
    masking.MASKER.clear()
    yield
    masking.MASKER.clear()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"../shared not found at {SHARED} under CI=true")
        pytest.skip(f"../shared not found at {SHARED} (set OPSVERIFY_SHARED)")
    return SHARED
