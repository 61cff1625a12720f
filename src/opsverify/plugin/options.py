"""The plugin's command-line options, all namespaced so that installing opsverify never collides with a project's
own options (``--env`` is a common conftest option); the ``opsverify`` command keeps the short spellings."""

from __future__ import annotations

import os

import pytest

from ..severity import SEVERITIES

MARKERS = {
    "smoke": "post-deploy smoke run: fast checks that fail the pipeline",
    "readiness": "daily readiness report: the complete list",
    "alerts": "alert-rule unit tests and monitoring-stack alert checks",
    "opsverify(kind, severity='critical', where=None, probe=None)": "an inventory-driven check over targets of KIND",
}


def add(parser: pytest.Parser) -> None:
    group = parser.getgroup("opsverify", "opsverify operational checks (inert unless --inventory is given)")
    group.addoption(
        "--inventory", metavar="FILE", help="inventory YAML; turns opsverify on (or set $OPSVERIFY_INVENTORY)"
    )
    group.addoption("--opsverify-env", metavar="NAME", help="environment in the inventory (staging, ...)")
    group.addoption(
        "--opsverify-fail-on",
        choices=SEVERITIES,
        default=None,
        help="exit 1 only when a check of this severity or higher failed (default: info, i.e. any failure)",
    )
    group.addoption("--opsverify-concurrency", type=int, default=None, help="network probes in flight at once")
    group.addoption(
        "--opsverify-checks",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of your own check modules to collect as well (repeatable)",
    )
    group.addoption(
        "--opsverify-shard",
        metavar="I/N",
        default=None,
        help="run shard I of N: a deterministic 1/N of the checks, a host's checks together (see shard.py)",
    )
    group.addoption(
        "--opsverify-no-suite",
        action="store_true",
        help="do not add the built-in checks suite to the collected paths (only your own checks)",
    )


def inventory_path(config: pytest.Config) -> str | None:
    """The inventory that turns the plugin on, or None: then the plugin does nothing at all."""
    path = config.getoption("inventory", None) or os.environ.get("OPSVERIFY_INVENTORY")
    return str(path) if path else None


def fail_on(config: pytest.Config) -> str:
    value = config.getoption("opsverify_fail_on", None) or os.environ.get("OPSVERIFY_FAIL_ON") or "info"
    if value not in SEVERITIES:
        raise pytest.UsageError(f"--opsverify-fail-on: unknown severity {value!r} (use critical, warning or info)")
    return str(value)


def register_markers(config: pytest.Config) -> None:
    known = {str(line).split(":")[0].split("(")[0] for line in config.getini("markers")}
    for name, doc in MARKERS.items():
        if name.split("(")[0] not in known:
            config.addinivalue_line("markers", f"{name}: {doc}")
