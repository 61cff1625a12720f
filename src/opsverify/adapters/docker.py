"""The one place docker SDK errors become ours. Every call has a timeout (the client's).

The SDK (and requests under it) is imported on first use: a run without container checks never loads it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
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
