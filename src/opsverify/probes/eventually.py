"""``eventually``: gather again until the "not yet" expectations pass or the time is up (post-deploy smoke runs).

Any kind can wait: its ``KIND`` gathers through :func:`poll` with the entry's :class:`Eventually` and a ``ready``
test, and the judges that can be "not yet" go through :func:`noted`, which says how many attempts it took. The facts
must have ``attempts`` and ``polled`` fields. An attempt starts only if one as long as the last still ends within
``within``; each is bounded by its timeout, so the wait ends by ``within`` (or after one attempt, if that is longer).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ..inventory.common import Eventually
from ..verdict import Verdict


class Polled(Protocol):
    attempts: int
    polled: float


F = TypeVar("F", bound=Polled)
E = TypeVar("E")


def poll(
    once: Callable[[], F],
    ready: Callable[[F], bool],
    eventually: Eventually | None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> F:
    """``once()``, and with ``eventually`` again every ``interval`` until ``ready(facts)`` or ``within`` is up."""
    if eventually is None:
        return once()
    started = clock()
    deadline = started + eventually.within
    attempts = 0
    while True:
        attempts += 1
        began = clock()
        facts = once()
        took = clock() - began  # the next attempt starts only if one as long still ends by the deadline
        if ready(facts) or clock() + eventually.interval + took > deadline:
            break
        sleep(eventually.interval)
    facts.attempts, facts.polled = attempts, clock() - started
    return facts


def noted(eventually: Eventually | None, facts: Polled, verdict: Verdict) -> Verdict:
    """The verdict, saying how the wait went: "(eventually: passed on attempt 3, 4.1s of 60s)"."""
    if eventually is None:
        return verdict
    n = facts.attempts
    how = f"passed on attempt {n}" if verdict.ok else f"still failing after {n} attempt{'s' if n != 1 else ''}"
    note = f" (eventually: {how}, {facts.polled:.1f}s of {eventually.within:g}s)"
    return dataclasses.replace(verdict, message=verdict.message + note, attempts=n)


def waits(judge: Callable[[E, Any], Verdict]) -> Callable[[E, Any], Verdict]:
    """Decorates a judge of an entry with an ``eventually`` field: its verdict says how the wait went."""

    @functools.wraps(judge)
    def wrapped(entry: E, facts: Any) -> Verdict:
        return noted(getattr(entry, "eventually", None), facts, judge(entry, facts))

    return wrapped
