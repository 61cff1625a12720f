"""Probes in a forked child process: results, exceptions, durations and learned secrets come back; budgets hold;
what cannot travel is handed back to the parent to run."""

from __future__ import annotations

import os
import threading
import time

import pytest

from opsverify.childprobes import MIN_JOBS, ChildProbes, Unsent, enabled
from opsverify.masking import MASKER
from opsverify.prefetch import ProbeTimeout


def test_results_and_durations_come_back_from_another_process() -> None:
    child = ChildProbes([(i, (lambda i=i: (i * 2, os.getpid())), 5.0) for i in range(20)], 4)
    try:
        got = [child.get(i) for i in range(20)]
        assert [value for value, _ in got] == [i * 2 for i in range(20)]
        assert {pid for _, pid in got} == set(child.pids) != {os.getpid()}
        assert all(child.seconds[i] >= 0 for i in range(20))
    finally:
        child.close()


def test_secrets_learned_in_the_child_are_masked_in_the_parent() -> None:
    def learns() -> str:
        MASKER.add("s3cr3t-from-the-child")
        return "ok"

    child = ChildProbes([("k", learns, 5.0)], 2)
    try:
        assert child.get("k") == "ok"
        assert "s3cr3t-from-the-child" in MASKER.known()
    finally:
        child.close()


def test_a_probe_past_its_budget_fails_with_probe_timeout() -> None:
    child = ChildProbes([("slow", lambda: time.sleep(60), 0.3), ("fast", lambda: 1, 5.0)], 2)
    try:
        assert child.get("fast") == 1
        with pytest.raises(ProbeTimeout, match=r"probe did not finish within its 0\.3s budget"):
            child.get("slow")
    finally:
        child.close()


def test_exceptions_travel_and_what_cannot_travel_is_unsent() -> None:
    def boom() -> None:
        raise ValueError("bad answer")

    child = ChildProbes([("e", boom, 5.0), ("u", threading.Lock, 5.0)], 2)
    try:
        with pytest.raises(ValueError, match="bad answer"):
            child.get("e")
        with pytest.raises(Unsent):
            child.get("u")  # a lock cannot be pickled: the parent runs this probe itself
    finally:
        child.close()


def test_only_big_runs_fork_and_the_environment_can_say_no(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not enabled(MIN_JOBS - 1) and enabled(MIN_JOBS)
    monkeypatch.setenv("OPSVERIFY_PROBE_PROCESS", "0")
    assert not enabled(10 * MIN_JOBS)


def test_probes_slower_than_the_polling_tick_still_come_back() -> None:
    child = ChildProbes([("a", lambda: time.sleep(0.3) or "a", 5.0), ("b", lambda: time.sleep(0.15) or "b", 5.0)], 1)
    try:
        assert (child.get("a"), child.get("b")) == ("a", "b")
        assert child.seconds["a"] >= 0.3
    finally:
        child.close()


def test_place_free_probes_are_spread_over_processes_and_the_others_stay_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Place-free probes (one HTTP request each) are dealt over one process per core; probes tied to a place (a
    host's SSH session) all run in the first process, so each host still gets one session."""
    from opsverify import childprobes

    monkeypatch.setattr(childprobes.os, "cpu_count", lambda: 2)
    free = [(("http", "", f"e{i}"), (lambda: os.getpid()), 5.0) for i in range(2 * MIN_JOBS)]
    bound = [(("hosts", "", f"h{i}"), (lambda: os.getpid()), 5.0) for i in range(10)]
    shares = childprobes._shares(bound + free, lambda key: key[0] == "http")
    assert len(shares) == 2 and all(len(s) >= MIN_JOBS for s in shares)
    assert {key for key, _, _ in shares[0]} >= {key for key, _, _ in bound}
    child = ChildProbes(bound + free, 4, lambda key: key[0] == "http")
    try:
        pids = {key: child.get(key) for key, _, _ in bound + free}
        assert len(set(pids.values())) == 2 == len(child.pids)
        assert len({pids[key] for key, _, _ in bound}) == 1  # one process for everything tied to a place
    finally:
        child.close()
    few = childprobes._shares(free[: MIN_JOBS + 10], lambda key: True)
    assert len(few) == 1  # fewer than MIN_JOBS per process: one process
