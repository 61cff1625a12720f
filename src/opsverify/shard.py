"""``--shard I/N``: a deterministic 1/N of the checks, for a CI matrix or a Kubernetes indexed job.

Checks are grouped by where they go: the host of a host-scoped target (``web1/calendar-redis`` -> ``web1``), a
hosts entry's name, else the target's name (rule tests: their test id). Groups are sorted and dealt round-robin, so
every shard of the same inventory and arguments agrees on the split, shards differ in size by at most one group,
together they run exactly the unsharded checks, and a host's checks stay in one shard (one SSH session per host).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import OpsverifyError

T = TypeVar("T")


class ShardError(OpsverifyError):
    """A malformed ``--shard`` value."""


def parse(text: str) -> tuple[int, int]:
    """``"2/3"`` -> (2, 3); I from 1 to N."""
    index, sep, total = text.partition("/")
    if not sep or not index.strip().isdigit() or not total.strip().isdigit():
        raise ShardError(f"--shard: expected I/N such as 1/3, got {text!r}")
    i, n = int(index), int(total)
    if n < 1 or not 1 <= i <= n:
        raise ShardError(f"--shard: I must be between 1 and N (N >= 1), got {text!r}")
    return i, n


def group_of(target: Any, fallback: str) -> str:
    """The group a check belongs to: its target's host, or the target's name, or ``fallback``."""
    if target is None:
        return f"~{fallback}"
    host = getattr(target, "host", None)
    if isinstance(host, str) and host:
        return host
    return str(getattr(target, "name", fallback)).split("/", 1)[0]


def select(items: Sequence[T], shard: tuple[int, int], key: Callable[[T], str]) -> tuple[list[T], list[T]]:
    """(kept, dropped): the items whose group is dealt to shard ``I`` of ``N``."""
    index, total = shard
    groups = sorted({key(item) for item in items})
    mine = {g for position, g in enumerate(groups) if position % total == index - 1}
    kept = [item for item in items if key(item) in mine]
    dropped = [item for item in items if key(item) not in mine]
    return kept, dropped
