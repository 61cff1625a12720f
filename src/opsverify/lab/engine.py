"""The Docker engine for the lab: find it, or start Debian's dockerd the way this machine allows."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from ..adapters.docker import engine_available
from ..errors import OpsverifyError

DOCKERD_ARGS = ["--bridge=none", "--iptables=false", "--ip6tables=false"]  # no docker0; host networking only
DOCKERD_LOG = Path("/var/log/opsverify-dockerd.log")


class LabError(OpsverifyError):
    """The lab could not be brought up or down; the message says what to do."""


def run(cmd: list[str], timeout: float = 600, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a command, returning its output; failure raises LabError with the command's last lines."""
    try:
        done = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            check=False,
        )
    except FileNotFoundError:
        raise LabError(f"{cmd[0]}: not installed (see the README's set-up command)") from None
    except subprocess.TimeoutExpired:
        raise LabError(f"{' '.join(cmd[:3])}...: still running after {timeout:g}s, gave up") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise LabError(f"{' '.join(cmd[:4])}... failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def ensure_engine(start: bool = True, wait: float = 30.0) -> None:
    """Make sure a Docker engine answers; start dockerd (root only) when allowed and none runs."""
    if engine_available():
        return
    dockerd = shutil.which("dockerd")
    elsewhere = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock") != "unix:///var/run/docker.sock"
    if not start or elsewhere or dockerd is None or os.geteuid() != 0:  # never start one for someone else's DOCKER_HOST
        raise LabError(
            "no Docker engine answers on $DOCKER_HOST or /var/run/docker.sock; start one "
            f"(as root: dockerd {' '.join(DOCKERD_ARGS)} &) or install docker.io"
        )
    with DOCKERD_LOG.open("ab") as log:
        subprocess.Popen([dockerd, *DOCKERD_ARGS], stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if engine_available():
            return
        time.sleep(0.5)
    raise LabError(f"started dockerd but it did not answer within {wait:g}s; see {DOCKERD_LOG}")
