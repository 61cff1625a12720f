"""The one place docker SDK errors become ours. Every call has a timeout (the client's).

The SDK (and requests under it) is imported on first use: a run without container checks never loads it."""

from __future__ import annotations

import contextlib
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import OpsverifyError


class DockerUnavailable(OpsverifyError):
    """The Docker engine could not be reached or answered with an error."""


class NotFound(OpsverifyError):
    """No such container (or image)."""


@contextlib.contextmanager
def docker_errors(what: str) -> Iterator[None]:
    """Map docker/requests exceptions raised while doing ``what`` to NotFound / DockerUnavailable."""
    import docker.errors
    import requests.exceptions

    try:
        yield
    except docker.errors.NotFound:
        raise NotFound(f"{what}: not found") from None
    except (requests.exceptions.Timeout, TimeoutError):
        raise DockerUnavailable(f"{what}: Docker engine did not answer in time") from None
    except (requests.exceptions.ConnectionError, FileNotFoundError, PermissionError) as exc:
        raise DockerUnavailable(f"{what}: cannot reach the Docker engine ({type(exc).__name__})") from None
    except docker.errors.DockerException as exc:
        raise DockerUnavailable(f"{what}: Docker error: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


API_VERSION = "1.41"  # Docker 20.10; later engines still speak it
_clients: dict[tuple[float, int], Any] = {}
_lock = threading.Lock()


def client(timeout: float = 10.0, pool: int = 64) -> Any:
    """A shared DockerClient from the environment (DOCKER_HOST, or the local socket), built on first use."""
    import docker

    key = (timeout, pool)
    with _lock:
        if key not in _clients:
            with docker_errors("connecting"):
                # A pinned API version: no round trip to the engine while holding the lock (an engine that
                # hangs would otherwise cost one timeout per container, one after another).
                _clients[key] = docker.from_env(timeout=max(1, round(timeout)), max_pool_size=pool, version=API_VERSION)
        return _clients[key]


def engine_available(timeout: float = 3.0) -> bool:
    try:
        with docker_errors("ping"):
            return bool(client(timeout).ping())
    except OpsverifyError:
        return False


@dataclass(frozen=True)
class ExecOutput:
    exit_code: int | None  # None: the engine never reported one within the timeout
    output: bytes  # stdout and stderr, in the order the engine sent them
    attempts: int = 1
    timed_out: bool = False


EXIT_GRACE = 1.0  # seconds the engine gets to report an exit code once the output stream has ended
_FRAME = struct.Struct(">BxxxL")  # the engine's multiplexed stream: stream type, 3 zero bytes, payload size


def exec_run(name: str, argv: list[str], timeout: float, attempts: int = 3) -> ExecOutput:
    """Run ``argv`` in container ``name`` (no tty) and return its exit code and output, within ``timeout``.

    docker-py's ``exec_run`` reads the output from the raw socket under its HTTP reader, so bytes that arrived with
    the response headers are lost now and then: exit 0 and no output (docker/docker-py #2042, #3332). Here the
    stream is read through the HTTP response itself, the exit code comes from ``exec_inspect`` once the command has
    ended, and an empty output with no exit code is tried again (up to ``attempts`` while time remains).
    """
    deadline = time.monotonic() + timeout
    result = ExecOutput(None, b"")
    for attempt in range(1, attempts + 1):
        result = _exec_once(name, argv, timeout, deadline, attempt)
        if result.output or result.exit_code is not None or result.timed_out or time.monotonic() >= deadline:
            break
    return result


def _exec_once(name: str, argv: list[str], timeout: float, deadline: float, attempt: int) -> ExecOutput:
    api = client(timeout).api
    exec_id = api.exec_create(name, argv, stdout=True, stderr=True, tty=False)["Id"]
    url = f"{api.base_url}/v{api.api_version}/exec/{exec_id}/start"
    response = api.post(url, json={"Detach": False, "Tty": False}, stream=True, timeout=max(0.5, timeout))
    try:
        if response.status_code >= 400:
            api._raise_for_status(response)  # docker-py maps the status to its own error types
        output, timed_out = _read_frames(response.raw, deadline)
    finally:
        response.close()
    grace = deadline if timed_out else min(deadline, time.monotonic() + EXIT_GRACE)
    return ExecOutput(_exit_code(api, exec_id, grace), output, attempt, timed_out)


def _read_frames(raw: Any, deadline: float) -> tuple[bytes, bool]:
    """Payloads of the multiplexed stream until the engine closes it; (output so far, True) if time ran out."""
    import urllib3.exceptions

    out = bytearray()
    try:
        while time.monotonic() < deadline:
            header = raw.read(_FRAME.size)
            if len(header) < _FRAME.size:
                return bytes(out), False
            _, size = _FRAME.unpack(header)
            out += raw.read(size)
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        pass
    return bytes(out), True


def _exit_code(api: Any, exec_id: str, until: float) -> int | None:
    """The exit code once the engine says the command has ended (it may say "running" a moment after the stream)."""
    while True:
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        if time.monotonic() >= until:
            return None
        time.sleep(0.02)


def exit_cause(name: str, since: float, timeout: float) -> str | None:
    """Why a container last ended, from the engine's events since ``since`` (unix time): ``"oom"`` when the kernel
    OOM killer did it (Docker can miss recording OOMKilled when its oom event comes late), ``"docker stop"`` or
    ``"docker kill (signal N)"`` when someone stopped it, None when the events (kept for a while only) do not say."""
    with docker_errors(f"container {name}: events"):
        api = client(timeout).api
        events = api.events(
            since=int(since),
            until=int(time.time()) + 1,
            filters={"type": "container", "container": name, "event": ["oom", "kill", "stop"]},
            decode=True,
        )
        seen = [
            (str(e.get("Action") or e.get("status")), (e.get("Actor") or {}).get("Attributes") or {}) for e in events
        ]
    actions = [action for action, _ in seen]
    if "oom" in actions:
        return "oom"
    if "stop" in actions:
        return "docker stop"
    signals = [str(attrs.get("signal", "?")) for action, attrs in seen if action == "kill"]
    return f"docker kill (signal {signals[-1]})" if signals else None
