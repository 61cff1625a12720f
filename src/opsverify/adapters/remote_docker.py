"""The Docker engine of a remote host, through the ``docker`` CLI over that host's session.

Why the CLI and not the API tunnelled through ssh: the CLI needs nothing new on either side (no paramiko, no socket
forwarding, no ``docker system dial-stdio``), it rides the session every other probe of the host already uses, so a
dead host still costs one timeout, and its output is the API's own JSON (``docker inspect``) or a fixed ``--format``.
Only read-only subcommands are sent: ``inspect``, ``ps``, ``logs``, ``stats --no-stream``, ``volume inspect``,
``system df -v`` and ``exec`` of the commands the inventory lists. Errors become the same :class:`~.docker.NotFound` / :class:`~.docker.DockerUnavailable`
as locally, naming the host.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from ..masking import scrub
from ..verdict import shorten
from .docker import DockerUnavailable, NotFound
from .host import Result
from .sessions import Runner

_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4}
_UNITS.update({"kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4})
_SIZE = re.compile(r"^\s*([\d.]+)\s*([A-Za-z]*)\s*$")
PS_FORMAT = '{{.Names}}\t{{.State}}\t{{.Status}}\t{{.Label "com.docker.compose.service"}}'


@dataclass(frozen=True)
class PsLine:
    name: str
    state: str
    status: str
    service: str


class RemoteDocker:
    """``docker`` subcommands on ``host`` (its name in messages) through ``runner`` (the host's session)."""

    def __init__(self, runner: Runner, host: str) -> None:
        self.runner = runner
        self.host = host

    def inspect(self, name: str, what: str) -> dict[str, Any]:
        """``docker inspect`` of container ``name``: the API's own JSON."""
        out = self._ok(self.runner.run(f"docker inspect --type container {shlex.quote(name)}"), what)
        try:
            found = json.loads(out)
        except ValueError:
            raise DockerUnavailable(f"{what}: unreadable `docker inspect` output on {self.host}") from None
        if not found:
            raise NotFound(f"{what}: not found")
        return dict(found[0])

    def ps(self, label: str, what: str) -> list[PsLine]:
        command = f"docker ps -a --no-trunc --filter {shlex.quote('label=' + label)} --format {shlex.quote(PS_FORMAT)}"
        lines = []
        for line in self._ok(self.runner.run(command), what).splitlines():
            parts = line.split("\t")
            if len(parts) == 4:
                lines.append(PsLine(*parts))
        return lines

    def logs(self, name: str, since_seconds: float, tail: int, what: str) -> str:
        """stdout and stderr of the container over the last ``since_seconds`` (relative to the host's clock)."""
        command = f"docker logs --since {max(1, round(since_seconds))}s --tail {tail} {shlex.quote(name)} 2>&1"
        result = self.runner.run(command)
        if result.rc != 0:
            self._raise(Result(result.rc, "", result.stdout, result.timed_out), what)
        return result.stdout

    def exec(self, name: str, argv: list[str]) -> Result:
        """``docker exec`` of ``argv``: its exit code and its stdout+stderr (as the SDK's exec_run returns them)."""
        return self.runner.run(f"docker exec {shlex.quote(name)} {shlex.join(argv)} 2>&1")

    def memory(self, name: str, what: str) -> tuple[int, int]:
        """(used, limit) bytes as ``docker stats`` shows them (page cache excluded)."""
        command = f"docker stats --no-stream --format '{{{{.MemUsage}}}}' {shlex.quote(name)}"
        out = self._ok(self.runner.run(command), what).strip()
        used, _, limit = out.partition("/")
        try:
            return parse_size(used), parse_size(limit)
        except ValueError:
            raise DockerUnavailable(f"{what}: unreadable memory use {shorten(out, 40)!r} on {self.host}") from None

    def volume(self, name: str, what: str) -> None:
        """NotFound unless volume ``name`` exists."""
        self._ok(self.runner.run(f"docker volume inspect --format '{{{{.Name}}}}' {shlex.quote(name)}"), what)

    def volume_sizes(self, what: str) -> dict[str, int]:
        """name -> bytes, as ``docker system df -v`` counts them (-1 when the engine does not know)."""
        out = self._ok(self.runner.run("docker system df -v --format '{{json .Volumes}}'"), what)
        sizes = {}
        for volume in json.loads(out or "[]") or []:
            try:
                sizes[str(volume.get("Name"))] = parse_size(str(volume.get("Size", "")))
            except ValueError:
                sizes[str(volume.get("Name"))] = -1
        return sizes

    def _ok(self, result: Result, what: str) -> str:
        if result.rc != 0 or result.timed_out:
            self._raise(result, what)
        return result.stdout

    def _raise(self, result: Result, what: str) -> None:
        said = result.stderr.strip() or result.stdout.strip()
        if result.timed_out:
            raise DockerUnavailable(f"{what}: Docker engine on {self.host} did not answer in time")
        if result.rc == 127 and "docker" in said and "not found" in said:
            raise DockerUnavailable(f"{what}: the docker CLI is not installed on {self.host}")
        if "No such container" in said or "No such object" in said or "no such volume" in said.lower():
            raise NotFound(f"{what}: not found")
        if "Cannot connect to the Docker daemon" in said or "permission denied" in said.lower():
            why = "permission denied" if "permission denied" in said.lower() else "is the engine running?"
            raise DockerUnavailable(f"{what}: cannot reach the Docker engine on {self.host} ({why})")
        first = said.splitlines()[0] if said else f"docker exited {result.rc}"
        raise DockerUnavailable(f"{what}: Docker error on {self.host}: {shorten(scrub(first), 120)}")


def parse_size(text: str) -> int:
    """``3.852MiB``, ``64MiB``, ``1.2GB``, ``512kB``, ``0B`` -> bytes."""
    match = _SIZE.match(text)
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"bad size {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])
