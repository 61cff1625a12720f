"""One probe per target per run across the processes of a pytest-xdist run.

Every worker collects every item, so every worker would start every probe. Instead each probe key is claimed
once, in a directory the controller creates for the run (mode 0700, removed at the end): the worker that claims a
key runs its probe in its own pool and publishes the result (pickled, with the secrets its masker learned); the
others wait for that file. A result that cannot be pickled is marked so, and a waiting worker then runs the probe
itself. Waiting is bounded like a local probe: the budget counts from when the claimant's worker started it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from .masking import MASKER
from .prefetch import ProbeTimeout

POLL = 0.02
QUEUE_ALLOWANCE = 60.0  # how long a probe may wait in the claimant's queue before a reader gives up


class Unshareable(Exception):
    """The claimant could not hand this result over: run the probe here."""


class SharedProbes:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self._owned: set[str] = set()
        self.seconds: dict[Hashable, float] = {}  # how long the claimant's probe ran, for the results we waited on

    def _name(self, key: Hashable) -> str:
        return hashlib.sha256(repr(key).encode()).hexdigest()[:32]

    def claim(self, key: Hashable) -> bool:
        """True for exactly one process of the run: that one runs the probe."""
        name = self._name(key)
        try:
            os.close(os.open(self.dir / f"{name}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return False
        self._owned.add(name)
        return True

    def owns(self, key: Hashable) -> bool:
        return self._name(key) in self._owned

    def wrap(self, key: Hashable, fn: Callable[[], Any]) -> Callable[[], Any]:
        """``fn`` as the claimant runs it: mark the start, publish the outcome, return or raise as before."""
        name = self._name(key)

        def run() -> Any:
            start = time.monotonic()
            (self.dir / f"{name}.started").write_text(repr(start))
            try:
                value = fn()
            except BaseException as exc:
                self._publish(name, (False, exc), time.monotonic() - start)
                raise
            self._publish(name, (True, value), time.monotonic() - start)
            return value

        return run

    def _publish(self, name: str, outcome: tuple[bool, Any], seconds: float) -> None:
        try:
            data = pickle.dumps((*outcome, MASKER.known(), seconds))
        except Exception:  # an exotic fact or exception: the reader probes for itself
            data = pickle.dumps((False, Unshareable(), MASKER.known(), None))
        tmp = self.dir / f"{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(self.dir / f"{name}.done")

    def wait(self, key: Hashable, budget: float) -> Any:
        """The claimant's result for ``key``: its value, or what it raised; :class:`ProbeTimeout` past the budget."""
        name = self._name(key)
        done, started_file = self.dir / f"{name}.done", self.dir / f"{name}.started"
        since = time.monotonic()
        while not done.exists():
            started = _read_float(started_file)
            now = time.monotonic()
            if (started is not None and now - started > budget) or (started is None and now - since > QUEUE_ALLOWANCE):
                raise ProbeTimeout(f"probe did not finish within its {budget:g}s budget")
            time.sleep(POLL)
        ok, value, secrets, seconds = pickle.loads(done.read_bytes())  # our own file, in our own 0700 directory
        for secret in secrets:
            MASKER.add(secret)
        if seconds is not None:
            self.seconds[key] = seconds
        if ok:
            return value
        raise value


def _read_float(path: Path) -> float | None:
    try:
        return float(path.read_text())
    except (OSError, ValueError):
        return None
