"""The one registry of check kinds, derived from the inventory model: a kind is a section of
:class:`~opsverify.inventory.Inventory`, registered by ``KIND`` in ``opsverify.probes.<section>``.

Probe modules are imported on first use, so a run that only checks HTTP endpoints never imports the Docker SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable
from typing import Any

from .inventory.model import Inventory
from .kinds import Kind

_EXTRA: dict[str, Kind[Any]] = {}  # kinds added at run time (tests, extensions); see register()
_LOADED: dict[str, Kind[Any]] = {}


def names() -> list[str]:
    """Every kind's name: the inventory's sections, plus registered extras."""
    return [*Inventory.section_names(), *_EXTRA]


def kind(name: str) -> Kind[Any]:
    if name in _EXTRA:
        return _EXTRA[name]
    if name not in _LOADED:
        if name not in Inventory.section_names():
            raise ValueError(f"unknown check kind {name!r} (known: {', '.join(sorted(names()))})")
        module = importlib.import_module(f"opsverify.probes.{name}")
        found = getattr(module, "KIND", None)
        if not isinstance(found, Kind):
            raise ValueError(f"opsverify.probes.{name} defines no KIND")
        _LOADED[name] = found
    return _LOADED[name]


def spread(key: Hashable) -> bool:
    """Whether the probe keyed ``key`` (``(kind, probe, name)``, :meth:`Kind.key`) shares nothing per place, so that
    any probe process may run it (:mod:`opsverify.childprobes`)."""
    return isinstance(key, tuple) and bool(key) and key[0] in names() and kind(key[0]).spread


def register(extra: Kind[Any]) -> None:
    """Add a kind that is not an inventory section (its ``targets`` says what it checks)."""
    _EXTRA[extra.section] = extra


def unregister(name: str) -> None:
    _EXTRA.pop(name, None)
