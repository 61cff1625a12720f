"""One SSH session per host for the whole run: every probe for the host travels through it, in batches.

A :class:`Session` is one ``ssh ... sh`` process whose shell reads a probe script from stdin. Each item of a batch
runs as ``timeout N sh -c CMD </dev/null`` and is framed by markers carrying a random per-session token on both
stdout and stderr, so every item keeps its own exit code, stdout, stderr and timeout, byte for byte. The script
only runs the commands the probes ask for (all read-only) and writes nothing on the host.

A host that cannot be reached, or stops answering, costs one timeout: the session records why and every later
request for that host fails at once with the same one-line reason. :mod:`.sessions` keeps one per host per run
and hands probes a session for ``ssh://`` hosts, a testinfra :class:`Connection` for others.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import selectors
import shlex
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..masking import scrub
from ..verdict import shorten
from .host import Access, HostUnavailable, Result, describe_ssh_failure, must_succeed

SLACK = 5.0  # seconds the local side waits beyond an item's own timeout before it gives the host up


def ssh_argv(access: Access, timeout: float) -> list[str]:
    """The ssh client command line for ``access`` (an ``ssh://user@host:port`` spec), ending in the remote ``sh``."""
    url = urlsplit(access.spec)
    if url.scheme != "ssh" or not url.hostname:
        raise HostUnavailable(f"{access.spec}: not an ssh://[user@]host[:port] spec")
    argv = ["ssh", "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ControlMaster=no"]
    argv += [
        "-o",
        f"ConnectTimeout={max(1, round(timeout))}",
        "-o",
        f"ServerAliveInterval={max(1, round(timeout / 3))}",
    ]
    argv += ["-o", "ServerAliveCountMax=3", "-o", "LogLevel=ERROR"]
    if access.known_hosts:
        argv += ["-o", f"UserKnownHostsFile={access.known_hosts}"]
    if access.identity_file:
        argv += ["-i", access.identity_file]
    if access.ssh_config:
        argv += ["-F", access.ssh_config]
    if url.port:
        argv += ["-p", str(url.port)]
    if url.username:
        argv += ["-l", url.username]
    return [*argv, url.hostname, "exec /bin/sh"]


class Session:
    """One shell on one host, fed batches of commands; thread-safe (batches to the same host queue up)."""

    def __init__(self, access: Access, timeout: float, argv: Sequence[str] | None = None) -> None:
        self.access = access
        self.timeout = max(1.0, timeout)
        self._argv = list(argv) if argv is not None else None
        self._token = secrets.token_hex(12)
        self._proc: subprocess.Popen[bytes] | None = None
        self._dead: str | None = None  # why the host is given up, once it is
        self._lock = threading.Lock()
        self._serial = 0

    @property
    def dead(self) -> str | None:
        return self._dead

    def run(self, command: str, timeout: float | None = None) -> Result:
        return self.run_many([command], timeout)[0]

    def output(self, command: str, timeout: float | None = None) -> str:
        return must_succeed(command, self.run(command, timeout), timeout or self.timeout)

    def run_many(self, commands: Sequence[str], timeout: float | None = None) -> list[Result]:
        """Run ``commands`` in one batch, each under its own ``timeout``; HostUnavailable when the host is gone."""
        limit = max(1.0, timeout or self.timeout)
        with self._lock:
            if self._dead is None and self._proc is None:
                self._start()
            results: list[Result] = []
            for chunk in _chunks(commands):  # a script the pipes hold whole: no deadlock against a chatty host
                results.extend(self._batch(chunk, limit))
            return results

    def _batch(self, commands: Sequence[str], limit: float) -> list[Result]:
        if self._dead is not None:
            raise HostUnavailable(self._dead)
        assert self._proc is not None and self._proc.stdin is not None
        first = self._serial
        self._serial += len(commands)
        script = "".join(self._item(first + i, c, limit) for i, c in enumerate(commands))
        try:
            self._proc.stdin.write(script.encode())
            self._proc.stdin.flush()
        except OSError:
            self._give_up(self._why_gone())
            raise HostUnavailable(str(self._dead)) from None
        return [self._collect(first + i, limit) for i in range(len(commands))]

    def close(self) -> None:
        with self._lock:
            if self._dead is None:
                self._dead = f"{_target(self.access)}: the session was closed"
            self._stop()

    # -- the wire --------------------------------------------------------------------------------------------

    def _item(self, serial: int, command: str, limit: float) -> str:
        tag = f"{self._token}:{serial}"
        run = f"timeout {limit:g} sh -c {shlex.quote(command)} </dev/null"
        return (
            f"printf '%s\\n' '{tag}:B'; printf '%s\\n' '{tag}:B' >&2; {run}; __ov_rc=$?; "
            f"printf '\\n%s:E:%s\\n' '{tag}' \"$__ov_rc\"; printf '\\n%s:E\\n' '{tag}' >&2\n"
        )

    def _start(self) -> None:
        argv = self._argv if self._argv is not None else ssh_argv(self.access, self.timeout)
        pipe = subprocess.PIPE
        try:
            self._proc = subprocess.Popen(argv, stdin=pipe, stdout=pipe, stderr=pipe, start_new_session=True)
        except OSError as exc:
            self._give_up(f"{_target(self.access)}: cannot start {argv[0]} ({type(exc).__name__}: {exc})")
            return
        _LIVE.add(self)
        self._out, self._err = bytearray(), bytearray()
        self._selector = selectors.DefaultSelector()
        for stream in (self._proc.stdout, self._proc.stderr):
            assert stream is not None
            os.set_blocking(stream.fileno(), False)
            self._selector.register(stream, selectors.EVENT_READ)
        ready = f"{self._token}:READY\n".encode()
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.write(f"printf '%s\\n' '{self._token}:READY'\n".encode())
            self._proc.stdin.flush()
        except OSError:
            pass
        # ssh's ConnectTimeout bounds the TCP connect and the banner; this bounds the rest of the handshake, as
        # generously as the testinfra backend bounds its own ssh (a busy machine can take seconds per handshake)
        limit = 2 * self.timeout + SLACK
        if not self._wait(lambda: ready in self._out, limit):
            if self._dead is None:
                self._give_up(f"{_target(self.access)}: no answer within {limit:g}s (session closed)")
            return
        del self._out[: self._out.index(ready) + len(ready)]
        # what ssh said while connecting stays in _err: an item's stderr starts at its own marker, and if the
        # session ends, _why_gone reads it all

    def _collect(self, serial: int, limit: float) -> Result:
        tag = f"{self._token}:{serial}".encode()
        began, out_end, err_end = tag + b":B\n", b"\n" + tag + b":E:", b"\n" + tag + b":E"
        started = time.monotonic()

        def complete() -> bool:
            return _framed(self._out, out_end) and _framed(self._err, err_end)

        if not self._wait(complete, limit + SLACK):
            if self._dead is None:
                self._give_up(f"{_target(self.access)}: no answer within {limit + SLACK:g}s (session closed)")
            raise HostUnavailable(str(self._dead))
        elapsed = time.monotonic() - started
        stdout, rc = _cut(self._out, began, out_end)
        stderr, _ = _cut(self._err, began, err_end)
        timed_out = rc == 124 or (rc == 143 and elapsed >= limit - 0.5)
        return Result(rc, _text(stdout), _text(stderr), timed_out)

    def _wait(self, done: Callable[[], bool], seconds: float) -> bool:
        """Read both pipes until ``done()``; False after ``seconds`` without it, or when the process ended."""
        deadline = time.monotonic() + seconds
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            events = self._selector.select(min(left, 1.0))
            for key, _ in events:
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    self._selector.unregister(key.fileobj)
                    if not self._selector.get_map():
                        self._give_up(self._why_gone())
                        return done()
                    continue
                (self._out if key.fileobj is self._proc_stdout() else self._err).extend(chunk)
        return True

    def _proc_stdout(self) -> Any:
        return self._proc.stdout if self._proc is not None else None

    def _why_gone(self) -> str:
        """The host's session ended: what ssh said (exit 255), else the exit status."""
        rc = self._proc.wait(timeout=5) if self._proc is not None else None
        said = _text(bytes(self._err))
        if rc == 255 and self.access.spec.startswith("ssh://"):
            return describe_ssh_failure(said, self.access, self.timeout)
        detail = shorten(scrub(said), 120)
        return f"{_target(self.access)}: the session ended (exit {rc}{': ' + detail if detail else ''})"

    def _give_up(self, why: str) -> None:
        self._dead = why
        self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        _LIVE.discard(self)
        with contextlib.suppress(Exception):
            self._selector.close()
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, 9)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


def _chunks(commands: Sequence[str], size: int = 16384) -> list[list[str]]:
    """Commands in groups whose script stays well under a pipe's 64 KiB (a single long command goes alone)."""
    chunks: list[list[str]] = [[]]
    used = 0
    for command in commands:
        cost = len(command.encode()) + 200
        if chunks[-1] and used + cost > size:
            chunks.append([])
            used = 0
        chunks[-1].append(command)
        used += cost
    return chunks if chunks[-1] else []


def _framed(buffer: bytearray, end: bytes) -> bool:
    """The end marker and the rest of its line have arrived."""
    at = buffer.find(end)
    return at >= 0 and buffer.find(b"\n", at + len(end)) >= 0


def _cut(buffer: bytearray, began: bytes, end: bytes) -> tuple[bytes, int]:
    """Remove one framed item from the front of ``buffer``: its bytes, and the exit code after the end marker."""
    start = buffer.index(began) + len(began)
    stop = buffer.index(end, start)
    body = bytes(buffer[start:stop])
    tail_end = buffer.find(b"\n", stop + len(end))
    rest = bytes(buffer[stop + len(end) : tail_end])
    del buffer[: tail_end + 1 if tail_end >= 0 else stop + len(end)]
    return body, int(rest) if rest.strip().lstrip(b"-").isdigit() else -1


def _target(access: Access) -> str:
    return f"ssh {access.spec.removeprefix('ssh://')}" if access.spec.startswith("ssh://") else access.spec


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


_LIVE: weakref.WeakSet[Session] = weakref.WeakSet()


@atexit.register
def _close_live() -> None:
    for session in list(_LIVE):
        session.close()
