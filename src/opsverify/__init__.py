"""opsverify: runbook checks as pytest checks, and offline Prometheus rule tests.

The public API for your own checks (``test_*.py`` beside your inventory)::

    import opsverify
    from opsverify import Verdict, expect

    @opsverify.check("http", severity="warning", where=lambda t: t.name.startswith("api"))
    def test_api_says_its_version(target, facts):
        expect(Verdict(b"version" in facts.body, target.name, f"{target.name}: no version in the body"))

``target`` is the inventory entry, ``facts`` what the kind's probe gathered (prefetched concurrently, once per
target), ``expect(verdict)`` fails the check with the verdict's one line.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .verdict import Verdict, expect

try:
    __version__ = version("opsverify")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+source"


def check(
    kind: str, *, severity: str = "critical", where: Callable[[Any], bool] | None = None, probe: str | None = None
) -> Any:
    """Mark a test function as a check over every target of ``kind`` (an inventory section: ``http``,
    ``containers``, ``hosts``...), optionally only those ``where(target)`` holds; ``probe`` names one of the kind's
    extra probes (``containers``: ``depth``; ``prometheus``: ``dead_alerts``, ``files``; ...). An entry's own
    ``severity:`` overrides ``severity``."""
    import pytest

    return pytest.mark.opsverify(kind, severity=severity, where=where, probe=probe)


__all__ = ["Verdict", "__version__", "check", "expect"]
