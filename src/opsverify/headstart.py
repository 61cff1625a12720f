"""A head start for big runs: the probes every check of a full run will need start as soon as ``opsverify run`` has
read the inventory, in the probe process (:mod:`opsverify.childprobes`), while pytest starts up and collects.

Only kinds that declare ``head_start=True`` take part: their main probe is used, in a full run, by some check of
every active entry (``http``: ``test_http_status`` or ``test_http_redirect`` checks each endpoint). Only runs that
select everything get one (no ``-k``/``-m``/``--lf``/node ids/shards/xdist, a suite that includes those kinds): a
narrowed run probes what it selected, once collected, as before, and never a target it did not select. The plugin
takes the head start at the end of collection (:func:`take`); the probes it needs beyond it run as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from . import childprobes, registry
from .inventory import Inventory
from .kinds import Context

Job = tuple[Hashable, Callable[[], Any], float]

# pytest arguments that change neither which checks run nor where: anything else forgoes the head start
_NEUTRAL = {"-q", "-qq", "-v", "-vv", "-x", "--exitfirst", "-s", "-l", "--showlocals", "--no-header"}
_NEUTRAL_PREFIXES = ("--tb=", "-r", "--capture=", "--maxfail=", "--durations=", "--color=", "-W")
_SUITES = {"all", "smoke", "readiness"}  # the suites whose checks include every head-start kind's main checks

_started: tuple[Inventory, childprobes.ChildProbes] | None = None


def applies(suite: str, shard: str | None, pytest_args: list[str]) -> bool:
    """True when the run selects every check: a head start then probes nothing the run would not."""
    neutral = all(a in _NEUTRAL or a.startswith(_NEUTRAL_PREFIXES) for a in pytest_args)
    return suite in _SUITES and shard is None and neutral


def jobs(inventory: Inventory) -> list[Job]:
    """The main probe of every active entry of the head-start kinds, keyed as the plugin keys them."""
    ctx = Context(inventory)
    found: list[Job] = []
    sections = set(Inventory.section_names())
    for name in registry.names():
        if name in sections and not getattr(inventory, name, None):
            continue  # an empty section: its probe module is not even imported
        kind = registry.kind(name)
        if not kind.head_start:
            continue
        gather = kind.probe(None)
        for entry in kind.entries(ctx):
            found.append((kind.key(entry, None), _bind(gather, entry, ctx), kind.budget(entry, ctx)))
    return found


def _bind(gather: Callable[[Any, Context], object], entry: Any, ctx: Context) -> Callable[[], object]:
    return lambda: gather(entry, ctx)


def start(inventory: Inventory, workers: int) -> bool:
    """Fork the probe process on the head-start jobs, when they are enough to be worth one (True if it did)."""
    global _started
    found = jobs(inventory)
    if _started is not None or not childprobes.enabled(len(found)):
        return False
    _started = (inventory, childprobes.ChildProbes(found, workers, registry.spread))
    return True


def take(inventory: Inventory | None) -> childprobes.ChildProbes | None:
    """The probe process started for this very inventory (parsed once, so the same object), handed over once."""
    global _started
    if _started is None or _started[0] is not inventory:
        return None
    child, _started = _started[1], None
    return child


def drop() -> None:
    """End a head start nobody took (pytest stopped before collection ended)."""
    global _started
    if _started is not None:
        _started[1].close()
        _started = None
