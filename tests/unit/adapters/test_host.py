"""The testinfra boundary on this machine (local://, no network): bounded runs, and spawning from probe threads
while pytest sets and unsets PYTEST_CURRENT_TEST (an inherited environ then races exec: EFAULT)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from opsverify.adapters.host import Access, Connection


def test_local_commands_run_with_exit_code_and_output():
    conn = Connection(Access("local://"), 5.0)
    result = conn.run("echo out; echo err >&2; exit 3")
    assert (result.rc, result.stdout, result.stderr, result.timed_out) == (3, "out\n", "err\n", False)
    assert Connection(Access("local://"), 1.0).run("sleep 5").timed_out


def test_spawning_from_threads_survives_environ_churn():
    stop = threading.Event()

    def churn():
        while not stop.is_set():
            os.environ["OPSVERIFY_CHURN"] = "x"
            del os.environ["OPSVERIFY_CHURN"]

    churner = threading.Thread(target=churn)
    churner.start()
    try:
        conn = Connection(Access("local://"), 5.0)
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: conn.run("true").rc, range(400)))
    finally:
        stop.set()
        churner.join()
    assert results == [0] * 400
