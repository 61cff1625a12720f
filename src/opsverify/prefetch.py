"""Gather network facts concurrently so N dead targets cost one timeout, not N.

The plugin submits every probe that the selected checks will need as soon as collection ends; each check then
waits only for its own result, and never longer than the probe's budget: a probe still running then (a target
that trickles bytes forever) fails its check with that reason. Results are keyed, so checks sharing a target share
one probe. Workers are daemon threads, so a probe stuck in a system call cannot keep the process from exiting.

The pool is elastic: it starts with a few workers (fast probes finish in milliseconds, and more threads only fight
over the GIL: 100 healthy endpoints took 2.8 s on 64 threads and 1.1 s on 8), and a supervisor adds workers while
every worker is busy, some have been waiting on one probe for over 50 ms and the process itself is mostly idle
(they wait on the network, not for the interpreter), up to ``workers``: N targets that hang still cost about one
timeout.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .errors import OpsverifyError


class ProbeTimeout(OpsverifyError):
    """A probe did not finish within its budget."""


START_WORKERS = 8
GROW_AFTER = 0.05  # seconds a worker spends on one probe before it counts as waiting on the network
CPU_BOUND = 0.5  # cores this process used over the last GROW_AFTER above which its threads wait for the interpreter


class Prefetcher:
    def __init__(self, workers: int = 64) -> None:
        self._workers = max(1, workers)
        self._threads: list[threading.Thread] = []
        self._running: dict[int, float] = {}  # worker thread ident -> when its current probe started
        self._supervisor: threading.Thread | None = None
        self._closed = False
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._futures: dict[Hashable, tuple[Future[Any], float]] = {}  # future, budget
        self._started: dict[int, float] = {}  # id(future) -> when a worker picked it up
        self._current: dict[int, Future[Any]] = {}  # worker thread ident -> the probe it runs now
        self._lock = threading.Lock()

    def submit(self, key: Hashable, fn: Callable[[], Any], budget: float = 3600.0) -> Future[Any]:
        """Start ``fn`` unless ``key`` was already submitted; its result is due within ``budget`` seconds."""
        with self._lock:
            known = self._futures.get(key)
            if known is not None:
                return known[0]
            future: Future[Any] = Future()
            self._futures[key] = (future, budget)
            self._jobs.put((future, fn))
            if len(self._threads) < min(self._workers, START_WORKERS):
                self._add_worker()
            if self._supervisor is None and self._workers > START_WORKERS:
                self._supervisor = threading.Thread(target=self._supervise, name="opsverify-pool", daemon=True)
                self._supervisor.start()
            return future

    def _add_worker(self) -> None:
        thread = threading.Thread(target=self._work, name="opsverify-probe", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _supervise(self) -> None:
        """Add one worker per worker stuck on a slow probe, while jobs wait, every worker is busy, and the process
        is not busy itself: a probe that waits on the network leaves the interpreter idle, while one that waits for
        the interpreter (probes parsing answers on every thread) would only wait longer with more threads (1000
        local probes: 2.8 s of CPU when the pool grew to 64 that way, 1.6 s on 4 threads)."""
        last_wall, last_cpu = time.monotonic(), time.process_time()
        while not self._closed:
            time.sleep(GROW_AFTER)
            now, cpu = time.monotonic(), time.process_time()
            busy = (cpu - last_cpu) / max(now - last_wall, 1e-6)
            last_wall, last_cpu = now, cpu
            if busy > CPU_BOUND:
                continue
            with self._lock:
                if self._jobs.empty() or len(self._threads) >= self._workers:
                    continue
                running = list(self._running.values())
                stuck = sum(1 for started in running if now - started > GROW_AFTER)
                if len(running) >= len(self._threads) and stuck:
                    for _ in range(min(stuck, self._workers - len(self._threads))):
                        self._add_worker()

    def get(self, key: Hashable, fn: Callable[[], Any], budget: float = 3600.0) -> Any:
        """The result for ``key`` (running ``fn`` if nobody submitted it); re-raises what ``fn`` raised,
        or :class:`ProbeTimeout` once the probe has run for its budget (time queued behind others is free)."""
        future = self.submit(key, fn, budget)
        budget = self._futures[key][1]
        while True:
            started = self._started.get(id(future))
            wait = 0.2 if started is None else max(0.0, started + budget - time.monotonic())
            try:
                return future.result(timeout=wait)
            except FutureTimeout:
                if started is not None:
                    raise ProbeTimeout(f"probe did not finish within its {budget:g}s budget") from None

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            future, fn = job
            if not future.set_running_or_notify_cancel():
                continue
            me = threading.get_ident()
            started = self._started[id(future)] = time.monotonic()
            self._running[me] = started
            self._current[me] = future
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the waiting check, which reports it
                future.set_exception(exc)
            finally:
                self._running.pop(me, None)
                self._current.pop(me, None)

    def started(self, future: Future[Any]) -> float | None:
        """When a worker picked ``future``'s probe up (``time.monotonic()``), or None while it waits in the queue."""
        return self._started.get(id(future))

    def in_flight(self) -> list[Future[Any]]:
        """The probes workers are running now (at most one per worker)."""
        return list(self._current.values())

    def close(self) -> None:
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
