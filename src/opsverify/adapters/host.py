"""The one place pytest-testinfra is used and its errors become ours.

A host is a testinfra spec (``local://``, ``ssh://user@host:port``, ``docker://name``). Every command is bounded:
ssh gets ConnectTimeout, ServerAlive probes and BatchMode (no prompt can hang it) with host-key checking on, and
the command itself runs under ``timeout N`` on the target, so a hung command costs N seconds at most.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import testinfra

from ..errors import OpsverifyError
from ..masking import scrub
from ..verdict import shorten

_DOCKER_ERRORS = ("Error response from daemon", "Error: No such container", "Cannot connect to the Docker daemon")


class HostUnavailable(OpsverifyError):
    """The host could not be reached (connection, authentication, host key, no such container)."""


class CommandFailed(OpsverifyError):
    """A command that had to succeed exited non-zero or ran out of time."""


@dataclass(frozen=True)
class Access:
    """How to reach a host; the fields of a hosts entry that matter for connecting."""

    spec: str
    identity_file: str | None = None
    known_hosts: str | None = None
    ssh_config: str | None = None


@dataclass(frozen=True)
class Result:
    rc: int
    stdout: str
    stderr: str
    timed_out: bool = False


SLACK = 1.0  # seconds a local client may take past the command's own limit before it is killed


class Connection:
    """A testinfra Host plus the bounded ``run`` every probe uses."""

    def __init__(self, access: Access, timeout: float) -> None:
        self.access = access
        self.timeout = max(1.0, timeout)
        self.scheme = access.spec.split("://", 1)[0]
        try:
            self.host: Any = testinfra.get_host(access.spec, **_backend_options(access, self.timeout))
        except (RuntimeError, ValueError) as exc:
            raise HostUnavailable(f"{access.spec}: cannot use this host spec ({shorten(str(exc), 100)})") from None
        # the safety net under the remote `timeout`: the local ssh / docker client itself is killed after this.
        # ssh may spend one timeout connecting before the command's own; docker exec and local start at once.
        limit = (2 if self.scheme == "ssh" else 1) * self.timeout + SLACK
        self.host.backend.run_local = _bounded_run_local(self.host.backend, limit, access.spec)

    def run(self, command: str) -> Result:
        """Run ``command`` with sh on the host; a connection problem raises HostUnavailable."""
        limit = f"{self.timeout:g}"
        started = time.monotonic()
        try:
            out = self.host.run("timeout %s sh -c %s", limit, command)
        except RuntimeError as exc:  # testinfra's ssh backend raises with the CommandResult on exit 255
            raise HostUnavailable(describe_ssh_failure(_stderr_of(exc), self.access, self.timeout)) from None
        except OSError as exc:
            raise HostUnavailable(f"{self.access.spec}: cannot run commands ({type(exc).__name__}: {exc})") from None
        stdout, stderr = _text(out.stdout_bytes), _text(out.stderr_bytes)
        if self.scheme == "docker" and out.rc in (1, 125, 126, 127) and stderr.startswith(_DOCKER_ERRORS):
            raise HostUnavailable(f"{self.access.spec}: {shorten(stderr, 120)}")
        elapsed = time.monotonic() - started
        timed_out = out.rc == 124 or (out.rc == 143 and elapsed >= self.timeout - 0.5)
        return Result(out.rc, stdout, stderr, timed_out)

    def output(self, command: str) -> str:
        """stdout of a command that must succeed; anything else raises CommandFailed with the reason."""
        return must_succeed(command, self.run(command), self.timeout)


def _bounded_run_local(backend: Any, limit: float, spec: str) -> Callable[..., Any]:
    """testinfra's run_local (a shell running ssh, docker exec or the command), killed whole after ``limit``."""

    def run_local(command: str, *args: str) -> Any:
        cmd = backend.encode(backend.quote(command, *args))
        pipe = subprocess.PIPE
        env = _environ()  # an explicit copy: pytest sets os.environ while probe threads spawn (EFAULT in exec)
        proc = subprocess.Popen(cmd, shell=True, stdin=pipe, stdout=pipe, stderr=pipe, env=env, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_session(proc.pid)
            proc.communicate(timeout=5)
            raise HostUnavailable(f"{spec}: no answer within {limit:g}s (the local client was killed)") from None
        return backend.result(proc.returncode, cmd, stdout, stderr)

    return run_local


def _environ() -> dict[str, str]:
    for _ in range(5):
        try:
            return dict(os.environ)
        except RuntimeError:  # changed while copied
            continue
    return dict(os.environ)


def _kill_session(sid: int) -> None:
    """SIGKILL every process of session ``sid`` (coreutils ``timeout`` moves its child to a group of its own)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and fields[3] == str(sid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(stat.parent.name), signal.SIGKILL)


def _backend_options(access: Access, timeout: float) -> dict[str, Any]:
    if not access.spec.startswith("ssh://"):
        return {}
    extra = [
        "-o BatchMode=yes",
        "-o StrictHostKeyChecking=yes",
        "-o ControlMaster=no",
        f"-o ServerAliveInterval={max(1, round(timeout / 3))}",
        "-o ServerAliveCountMax=3",
        "-o LogLevel=ERROR",
    ]
    if access.known_hosts:
        extra.append(f"-o UserKnownHostsFile={shlex.quote(access.known_hosts)}")
    options: dict[str, Any] = {"timeout": max(1, round(timeout)), "ssh_extra_args": " ".join(extra)}
    if access.identity_file:
        options["ssh_identity_file"] = access.identity_file
    if access.ssh_config:
        options["ssh_config"] = access.ssh_config
    return options


def describe_ssh_failure(stderr: str, access: Access, timeout: float) -> str:
    """One line for an ssh exit 255, from what ssh printed."""
    target = access.spec.removeprefix("ssh://")
    known = access.known_hosts or "~/.ssh/known_hosts"
    fingerprint = re.search(r"(SHA256:[A-Za-z0-9+/=]+)", stderr)
    got = f" (the host sent {fingerprint.group(1)})" if fingerprint else ""
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in stderr or ("Host key for" in stderr and "has changed" in stderr):
        return f"ssh {target}: host key verification failed: the host's key does not match {known}{got}"
    if ("No " in stderr and "host key is known" in stderr) or "Host key verification failed" in stderr:
        return f"ssh {target}: host key verification failed: the host is not in {known}{got}"
    if "Permission denied" in stderr:
        return f"ssh {target}: authentication failed ({shorten(_last_line(stderr), 80)})"
    if "timed out" in stderr:
        return f"ssh {target}: no connection within {timeout:g}s (connect timeout)"
    if "Connection refused" in stderr:
        return f"ssh {target}: connection refused"
    return f"ssh {target}: connection failed: {shorten(_last_line(stderr), 120) or 'ssh exited 255'}"


def _stderr_of(exc: RuntimeError) -> str:
    result = exc.args[0] if exc.args else None
    raw = getattr(result, "stderr_bytes", None)
    return _text(raw) if isinstance(raw, bytes) else str(exc)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def must_succeed(command: str, result: Result, timeout: float) -> str:
    """stdout of a command that had to succeed, else CommandFailed (the same words for a one-off connection and a session)."""
    if result.timed_out:
        raise CommandFailed(f"`{shorten(scrub(command), 60)}` did not finish within {timeout:g}s")
    if result.rc != 0:
        why = shorten(scrub(result.stderr or result.stdout), 120) or "no output"
        raise CommandFailed(f"`{shorten(scrub(command), 60)}` exited {result.rc}: {why}")
    return result.stdout
