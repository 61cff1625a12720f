"""Throwaway targets for live fault tests: a busybox container FROM scratch with a unique name, removed after."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from opsverify.adapters import docker

IMAGE = "opsverify-test/busybox:1"
DOCKERFILE = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n'


def _docker(*args: str, timeout: float = 60) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def image() -> str:
    """The busybox image, built once (legacy builder: needs nothing from outside)."""
    if not docker.engine_available() or shutil.which("docker") is None:
        pytest.skip("no Docker engine")
    if subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True, timeout=30).returncode != 0:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy2("/bin/busybox", Path(tmp) / "busybox")
            (Path(tmp) / "Dockerfile").write_text(DOCKERFILE)
            subprocess.run(
                ["docker", "build", "-q", "-t", IMAGE, tmp],
                env={"DOCKER_BUILDKIT": "0", "PATH": "/usr/bin:/bin"},
                capture_output=True,
                timeout=120,
                check=True,
            )
    return IMAGE


@contextmanager
def container(*command: str, options: tuple[str, ...] = ()) -> Iterator[str]:
    """A running container of the busybox image (no network); yields its unique name."""
    name = f"opsverify-t13-{uuid.uuid4().hex[:10]}"
    _docker("run", "-d", "--name", name, "--network", "none", *options, image(), *(command or ("sleep", "600")))
    try:
        yield name
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, timeout=60)


def stop(name: str) -> None:
    """A plain `docker stop` that ends in SIGKILL: sleep as PID 1 ignores SIGTERM."""
    _docker("stop", "-t", "0", name)
