"""Probes in a forked child process, for big runs: the probes' own Python (httpx, parsing) then runs on another core
instead of contending with pytest for one interpreter lock, so a run costs about max(pytest, probes), not their sum.

The plugin hands over every job it knows at the end of collection; the child runs them on its own elastic pool,
enforces each probe's budget, and sends back, per probe, its result (or what it raised, or ProbeTimeout), how long it
ran, and the secrets its masker learned. Anything that cannot travel (an unpicklable fact), or a child that dies,
makes the parent run that probe itself: the worst case is duplicated work, never a different verdict.
``$OPSVERIFY_PROBE_PROCESS=0`` turns it off; runs with fewer than :data:`MIN_JOBS` probes never fork.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

from .masking import MASKER
from .prefetch import Prefetcher, ProbeTimeout

MIN_JOBS = 200  # below this, forking buys nothing measurable
Job = tuple[Hashable, Callable[[], Any], float]  # key, gather, budget
_HEADER = struct.Struct("!Q")


class Unsent(Exception):
    """The child could not send this probe's result (or is gone): the parent runs it."""


def enabled(jobs: int) -> bool:
    return jobs >= MIN_JOBS and hasattr(os, "fork") and os.environ.get("OPSVERIFY_PROBE_PROCESS", "1") != "0"


class ChildProbes:
    def __init__(self, jobs: list[Job], workers: int) -> None:
        self._futures: dict[Hashable, Future[Any]] = {key: Future() for key, _, _ in jobs}
        self._budgets = {key: budget for key, _, budget in jobs}
        self.seconds: dict[Hashable, float] = {}
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: run the jobs, send the results, leave without running any of pytest's exits
            os.close(read)
            try:
                _serve(jobs, workers, write)
            finally:
                os._exit(0)
        os.close(write)
        self._reader = threading.Thread(target=self._read, args=(read,), name="opsverify-child-probes", daemon=True)
        self._reader.start()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._futures

    def get(self, key: Hashable) -> Any:
        """The child's result for ``key``; raises what the probe raised, ProbeTimeout, or :class:`Unsent`."""
        budget = self._budgets[key]
        try:  # the child enforces the budget from the probe's start; this cap only guards against a stuck child
            return self._futures[key].result(timeout=budget + 120.0)
        except TimeoutError:
            raise ProbeTimeout(f"probe did not finish within its {budget:g}s budget") from None

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            while True:
                head = pipe.read(_HEADER.size)
                if len(head) < _HEADER.size:
                    break
                key, ok, value, seconds, secrets = pickle.loads(pipe.read(_HEADER.unpack(head)[0]))
                for secret in secrets:
                    MASKER.add(secret)
                if seconds is not None:
                    self.seconds[key] = seconds
                future = self._futures.get(key)
                if future is not None and not future.done():
                    future.set_result(value) if ok else future.set_exception(value)
        for future in self._futures.values():  # the child is gone: what it did not send, the parent runs
            if not future.done():
                future.set_exception(Unsent("the probe process ended before this probe's result"))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)  # probes still hanging in the child end with the run
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


def _serve(jobs: list[Job], workers: int, fd: int) -> None:
    pool = Prefetcher(workers)
    took: dict[Hashable, float] = {}
    running: dict[Future[Any], tuple[Hashable, float]] = {}
    for key, gather, budget in jobs:
        running[pool.submit(key, _timed(key, gather, took), budget)] = (key, budget)
    with os.fdopen(fd, "wb") as pipe:
        while running:
            done, _ = wait(list(running), timeout=0.05, return_when=FIRST_COMPLETED)
            now = time.monotonic()
            for future in list(running):
                key, budget = running[future]
                started = pool.started(future)
                if future in done:
                    error = future.exception()
                    outcome = (True, future.result()) if error is None else (False, error)
                elif started is not None and now - started > budget:
                    outcome = (False, ProbeTimeout(f"probe did not finish within its {budget:g}s budget"))
                else:
                    continue
                del running[future]
                _send(pipe, key, outcome, took.get(key, None if started is None else now - started))


def _timed(key: Hashable, gather: Callable[[], Any], took: dict[Hashable, float]) -> Callable[[], Any]:
    def run() -> Any:
        start = time.monotonic()
        try:
            return gather()
        finally:
            took[key] = time.monotonic() - start

    return run


def _send(pipe: Any, key: Hashable, outcome: tuple[bool, Any], seconds: float | None) -> None:
    try:
        data = pickle.dumps((key, *outcome, seconds, MASKER.known()))
    except Exception:  # an exotic fact or exception: the parent probes for itself
        data = pickle.dumps((key, False, Unsent("this probe's result cannot leave the probe process"), None, []))
    pipe.write(_HEADER.pack(len(data)) + data)
    pipe.flush()
