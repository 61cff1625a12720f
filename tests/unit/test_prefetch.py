"""The probe pool: a few workers for fast probes, more while probes wait on the network, never past the cap."""

from __future__ import annotations

import threading
import time

from opsverify.prefetch import START_WORKERS, Prefetcher


def test_fast_probes_stay_on_the_starting_workers() -> None:
    pool = Prefetcher(64)
    results = [pool.submit(i, lambda i=i: i * 2) for i in range(500)]
    assert [f.result(timeout=10) for f in results] == [i * 2 for i in range(500)]
    assert len(pool._threads) <= START_WORKERS
    pool.close()


def test_probes_waiting_on_the_network_get_more_workers_up_to_the_cap() -> None:
    release = threading.Event()
    pool = Prefetcher(20)
    futures = [pool.submit(i, lambda: release.wait(30)) for i in range(40)]
    deadline = time.monotonic() + 10
    while len(pool._threads) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(pool._threads) == 20  # grew past START_WORKERS while every worker was stuck, and not past the cap
    release.set()
    assert all(f.result(timeout=10) for f in futures)
    pool.close()
