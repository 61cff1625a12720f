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
import queue
import signal
import struct
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any

from .masking import MASKER
from .prefetch import Prefetcher, ProbeTimeout

MIN_JOBS = 200  # below this, forking buys nothing measurable
MAX_PROCESSES = 4
Job = tuple[Hashable, Callable[[], Any], float]  # key, gather, budget
_HEADER = struct.Struct("!Q")


class Unsent(Exception):
    """The child could not send this probe's result (or is gone): the parent runs it."""


def enabled(jobs: int) -> bool:
    return jobs >= MIN_JOBS and hasattr(os, "fork") and os.environ.get("OPSVERIFY_PROBE_PROCESS", "1") != "0"


class ChildProbes:
    """The probe processes: one, or for runs of many place-free probes (``spread``), one per core (at most
    :data:`MAX_PROCESSES`), each with its share of the jobs. Probes that are not place-free all stay in the first
    process, so a host's probes still share its one SSH session or engine connection."""

    def __init__(self, jobs: list[Job], workers: int, spread: Callable[[Hashable], bool] = lambda key: False) -> None:
        self._futures: dict[Hashable, Future[Any]] = {key: Future() for key, _, _ in jobs}
        self._budgets = {key: budget for key, _, budget in jobs}
        self.seconds: dict[Hashable, float] = {}
        self._closed = False
        self.pids: list[int] = []
        for share in _shares(jobs, spread):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # a child: run its jobs, send the results, leave without running any of pytest's exits
                os.close(read)
                try:
                    _serve(share, workers, write)
                finally:
                    os._exit(0)
            os.close(write)
            self.pids.append(pid)
            keys = [key for key, _, _ in share]
            reader = threading.Thread(target=self._read, args=(read, keys), name="opsverify-child-probes", daemon=True)
            reader.start()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._futures

    def get(self, key: Hashable) -> Any:
        """The child's result for ``key``; raises what the probe raised, ProbeTimeout, or :class:`Unsent`."""
        budget = self._budgets[key]
        try:  # the child enforces the budget from the probe's start; this cap only guards against a stuck child
            return self._futures[key].result(timeout=budget + 120.0)
        except TimeoutError:
            raise ProbeTimeout(f"probe did not finish within its {budget:g}s budget") from None

    def _read(self, fd: int, keys: list[Hashable]) -> None:
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
        for key in keys:  # this child is gone: what it did not send, the parent runs
            future = self._futures[key]
            if not future.done():
                future.set_exception(Unsent("the probe process ended before this probe's result"))

    def close(self) -> None:
        if self._closed:  # once only: a reaped pid may belong to another process by now
            return
        self._closed = True
        for pid in self.pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)  # probes still hanging in a child end with the run
        for pid in self.pids:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


def _shares(jobs: list[Job], spread: Callable[[Hashable], bool]) -> list[list[Job]]:
    """The jobs per process: place-free ones dealt round-robin over one process per core (when there are at least
    :data:`MIN_JOBS` per process), the others all to the first; no empty share."""
    free = [job for job in jobs if spread(job[0])]
    processes = max(1, min(os.cpu_count() or 1, MAX_PROCESSES, len(free) // MIN_JOBS))
    shares: list[list[Job]] = [[] for _ in range(processes)]
    shares[0] = [job for job in jobs if not spread(job[0])]
    for i, job in enumerate(free):
        shares[i % processes].append(job)
    return [share for share in shares if share]


def _serve(jobs: list[Job], workers: int, fd: int) -> None:
    """Run ``jobs`` on an elastic pool and send each result as it comes in (a batch per write). Finished probes
    arrive through a queue and budgets are checked only on the probes running now, so 5000 probes cost O(n)
    here, not a scan of every pending probe each time one finishes."""
    pool = Prefetcher(workers)
    took: dict[Hashable, float] = {}
    finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    jobs_of: dict[Future[Any], tuple[Hashable, float]] = {}
    for key, gather, budget in jobs:
        future = pool.submit(key, _timed(key, gather, took), budget)
        if future not in jobs_of:
            jobs_of[future] = (key, budget)
            future.add_done_callback(finished.put)
    sent: set[Future[Any]] = set()
    with os.fdopen(fd, "wb") as pipe:
        while len(sent) < len(jobs_of):
            batch: list[bytes] = []
            ready: list[Future[Any]] = []
            try:
                ready.append(finished.get(timeout=0.05))
                while True:
                    ready.append(finished.get_nowait())
            except queue.Empty:
                pass
            for future in ready:
                if future not in sent:
                    sent.add(future)
                    key, _ = jobs_of[future]
                    error = future.exception()
                    outcome = (True, future.result()) if error is None else (False, error)
                    batch.append(_record(key, outcome, took.get(key)))
            now = time.monotonic()
            for future in pool.in_flight():
                started = pool.started(future)
                key, budget = jobs_of.get(future, (None, 0.0))
                if future in sent or key is None or started is None or now - started <= budget:
                    continue
                sent.add(future)
                timeout = ProbeTimeout(f"probe did not finish within its {budget:g}s budget")
                batch.append(_record(key, (False, timeout), now - started))
            if batch:
                pipe.write(b"".join(batch))
                pipe.flush()


def _timed(key: Hashable, gather: Callable[[], Any], took: dict[Hashable, float]) -> Callable[[], Any]:
    def run() -> Any:
        start = time.monotonic()
        try:
            return gather()
        finally:
            took[key] = time.monotonic() - start

    return run


def _record(key: Hashable, outcome: tuple[bool, Any], seconds: float | None) -> bytes:
    try:
        data = pickle.dumps((key, *outcome, seconds, MASKER.known()))
    except Exception:  # an exotic fact or exception: the parent probes for itself
        data = pickle.dumps((key, False, Unsent("this probe's result cannot leave the probe process"), None, []))
    return _HEADER.pack(len(data)) + data
