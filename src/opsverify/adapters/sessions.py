"""The sessions of one run and what probes see of them.

:class:`Pool` keeps one :class:`~.session.Session` per host for the run (in the run's context cache);
:func:`connector` gives probes ``connect(access, timeout) -> Runner``: a session for ``ssh://`` hosts, a testinfra
:class:`~.host.Connection` for the others. :func:`batched` sends every command a gather is going to run in one batch.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from .host import Access, CommandFailed, Connection, Result, must_succeed
from .session import Session


class Runner(Protocol):
    """What probes need of a host: run a command (any exit code), or get the output of one that must succeed."""

    def run(self, command: str) -> Result: ...

    def output(self, command: str) -> str: ...


Connect = Callable[[Access, float], Runner]


class View:
    """A session seen with one entry's timeout: the Runner probes get."""

    def __init__(self, session: Session, timeout: float) -> None:
        self.session = session
        self.timeout = max(1.0, timeout)

    def run(self, command: str) -> Result:
        return self.session.run(command, self.timeout)

    def output(self, command: str) -> str:
        return self.session.output(command, self.timeout)

    def run_many(self, commands: Sequence[str]) -> list[Result]:
        return self.session.run_many(commands, self.timeout)


class Pool:
    """The sessions of one run, one per host (its Access)."""

    def __init__(self) -> None:
        self._sessions: dict[Access, Session] = {}
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._sessions)

    def session(self, access: Access, timeout: float) -> Session:
        with self._lock:
            found = self._sessions.get(access)
            if found is None:
                found = self._sessions[access] = Session(access, timeout)
            return found

    def connect(self, access: Access, timeout: float) -> Runner:
        """A session for an ssh host, else (local://, docker://) a testinfra connection."""
        if access.spec.startswith("ssh://"):
            return View(self.session(access, timeout), timeout)
        return Connection(access, timeout)

    def close(self) -> None:
        _close_all(self._sessions)


def _close_all(sessions: dict[Access, Session]) -> None:
    for session in list(sessions.values()):
        session.close()


def pool(cache: dict[Any, Any]) -> Pool:
    """The run's pool, kept in the run's context cache."""
    found = cache.get("opsverify.sessions")
    if not isinstance(found, Pool):
        found = cache.setdefault("opsverify.sessions", Pool())
    return found


def connector(ctx: Any) -> Connect:
    """How the probes of this run reach a host: :meth:`Pool.connect` of the run's pool."""
    return pool(ctx.cache).connect


class Planned:
    """A dry run of a gather: records the commands it would send (every one fails, so nothing depends on output)."""

    def __init__(self) -> None:
        self.commands: list[str] = []

    def run(self, command: str) -> Result:
        self.commands.append(command)
        return Result(-1, "", "planned")

    def output(self, command: str) -> str:
        self.commands.append(command)
        raise CommandFailed("planned")


class Prefetched:
    """A Runner answering the commands of one batch from its results, and anything else live."""

    def __init__(self, live: Runner, results: dict[str, Result]) -> None:
        self.live = live
        self.results = results

    def run(self, command: str) -> Result:
        found = self.results.get(command)
        return found if found is not None else self.live.run(command)

    def output(self, command: str) -> str:
        found = self.results.get(command)
        if found is None:
            return self.live.output(command)
        return must_succeed(command, found, getattr(self.live, "timeout", 0.0))


def batched(live: Runner, plan: Callable[[Runner], object]) -> Runner:
    """Send every command ``plan`` would run in one batch (a session only); the Runner then answers from it."""
    run_many = getattr(live, "run_many", None)
    if run_many is None:
        return live
    dry = Planned()
    with contextlib.suppress(Exception):
        plan(dry)
    commands = list(dict.fromkeys(dry.commands))
    return Prefetched(live, dict(zip(commands, run_many(commands), strict=True))) if commands else live
