"""Probes shared across pytest-xdist workers: claimed once, the result and how long the probe ran reach the
workers that waited for it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from opsverify.sharedprobes import SharedProbes


def test_the_claimant_runs_the_probe_and_the_waiter_gets_its_result_and_duration(tmp_path: Path) -> None:
    claimant, waiter = SharedProbes(tmp_path), SharedProbes(tmp_path)  # two workers, one run directory
    assert claimant.claim("k") and not waiter.claim("k")
    ran = claimant.wrap("k", lambda: time.sleep(0.2) or "facts")
    threading.Thread(target=ran).start()
    assert waiter.wait("k", budget=5.0) == "facts"
    assert waiter.seconds["k"] >= 0.2  # the probe's own time, not the wait's: a waiter reports it too
