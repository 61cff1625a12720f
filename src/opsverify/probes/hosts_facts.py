"""Gather what a hosts entry asks about, through one testinfra connection; parsing of the commands' output.

Only POSIX sh, ``df -P``, ``stat -c``, ``crontab -l`` and /proc are used, so the same probe reads Debian hosts over
ssh and busybox containers through ``docker exec``. A command that fails is recorded for that item alone; a host
that cannot be reached is recorded once, in ``error``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from ..adapters.host import Access, CommandFailed, Connection, HostUnavailable, Result
from ..adapters.sessions import Connect, Runner, batched, connector
from ..inventory import HostEntry
from ..kinds import Context

T = TypeVar("T")


@dataclass(frozen=True)
class Disk:
    mount: str
    filesystem_mount: str  # the mount point df reports (differs when ``mount`` is a folder on it)
    total: int
    used: int
    free: int

    @property
    def used_percent(self) -> float:
        return 100.0 * self.used / (self.used + self.free) if self.used + self.free else 0.0


@dataclass(frozen=True)
class FileInfo:
    path: str
    exists: bool
    type: str = ""  # "file", "directory", "symlink", ...
    mode: str = ""  # octal without leading zeros: "600"
    owner: str = ""
    group: str = ""


@dataclass
class HostFacts:
    name: str
    spec: str
    error: str | None = None  # the host could not be reached at all
    disks: dict[str, Disk | str] = field(default_factory=dict)  # mount -> usage, or why it is unknown
    memory: dict[str, int] | str | None = None  # MemTotal/MemAvailable in bytes, or why unknown
    load: tuple[float, float, float, int] | str | None = None  # 1m, 5m, 15m, cores
    listening: set[int] | str | None = None  # TCP ports in LISTEN state
    files: dict[str, FileInfo | str] = field(default_factory=dict)
    cron: dict[str, list[str] | str] = field(default_factory=dict)  # "user:NAME" / "system" -> "source: line"s
    processes: list[str] | str | None = None  # process names (comm)
    commands: dict[str, Result | str] = field(default_factory=dict)
    attempts: int = 1  # with `eventually`: times gathered
    polled: float = 0.0


def access(entry: HostEntry) -> Access:
    return Access(entry.spec, entry.identity_file, entry.known_hosts, entry.ssh_config)


def gather(entry: HostEntry, timeout: float, connect: Connect = Connection) -> HostFacts:
    """Everything ``entry`` asks about; never raises for the host's fault. Over a session (``connect`` from
    :func:`opsverify.adapters.sessions.connector`) every command travels in one batch."""
    facts = HostFacts(entry.name, entry.spec)
    try:
        conn = connect(access(entry), timeout)
        conn.output("true")  # reach the host once, so an unreachable one is reported once
        _gather_all(entry, batched(conn, lambda dry: _gather_all(entry, dry, HostFacts(entry.name, entry.spec))), facts)
    except HostUnavailable as exc:
        facts.error = str(exc)
    except CommandFailed as exc:  # not even `timeout N sh -c true` runs there (no sh, no timeout, no permission)
        facts.error = f"{entry.spec}: cannot run commands: {exc}"
    return facts


def _gather_all(entry: HostEntry, conn: Runner, facts: HostFacts) -> None:
    for disk in entry.disks:
        facts.disks[disk.mount] = _attempt(lambda m: parse_df(m, conn.output(f"df -P -k {q(m)}")), disk.mount)
    if entry.memory is not None:
        facts.memory = _attempt(lambda _: parse_meminfo(conn.output("cat /proc/meminfo")), "")
    if entry.load is not None:
        cores = "getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo"
        facts.load = _attempt(lambda c: parse_load(conn.output(f"cat /proc/loadavg; {c}")), cores)
    if entry.ports:
        command = "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; true"
        facts.listening = _attempt(lambda c: parse_proc_net(conn.output(c)), command)
    for f in entry.files:
        facts.files[f.path] = _attempt(lambda p: parse_stat(p, conn.output(stat_command(p))), f.path)
    for user in sorted({c.user for c in entry.cron if c.user is not None}):
        facts.cron[f"user:{user}"] = _attempt(lambda u: _user_crontab(conn, u), user)
    if any(c.system for c in entry.cron):
        command = "grep -H '' /etc/crontab /etc/cron.d/* 2>/dev/null; true"
        facts.cron["system"] = _attempt(lambda c: cron_lines(conn.output(c)), command)
    if entry.processes:
        command = "cat /proc/[0-9]*/comm 2>/dev/null; true"
        facts.processes = _attempt(lambda c: conn.output(c).split(), command)
    for check in entry.commands:
        facts.commands[check.command] = _attempt(conn.run, check.command)


def _attempt(fn: Callable[[str], T], arg: str) -> T | str:
    """``fn(arg)``, or the reason it could not be had; an unreachable host (HostUnavailable) stops the gather."""
    try:
        return fn(arg)
    except CommandFailed as exc:
        return str(exc)
    except ValueError as exc:
        return f"cannot read the output: {exc}"


def q(text: str) -> str:
    return shlex.quote(text)


def stat_command(path: str) -> str:
    return f"if [ -e {q(path)} ] || [ -L {q(path)} ]; then stat -c '%F|%a|%U|%G' {q(path)}; else echo MISSING; fi"


def parse_stat(path: str, out: str) -> FileInfo:
    line = out.strip()
    if line == "MISSING":
        return FileInfo(path, exists=False)
    kind, mode, owner, group = line.split("|")
    kinds = {"regular file": "file", "regular empty file": "file", "directory": "directory", "symbolic link": "symlink"}
    return FileInfo(path, True, kinds.get(kind, kind), mode, owner, group)


def parse_df(mount: str, out: str) -> Disk:
    rows = [line.split() for line in out.strip().splitlines()[1:] if line.strip()]
    if not rows or len(rows[-1]) < 6:
        raise ValueError(f"unexpected df output {out.strip()[:80]!r}")
    row = rows[-1]
    total, used, free = (int(x) * 1024 for x in row[1:4])
    return Disk(mount, " ".join(row[5:]), total, used, free)


def parse_meminfo(out: str) -> dict[str, int]:
    values: dict[str, int] = {}
    for line in out.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[key.strip()] = int(parts[0]) * (1024 if len(parts) > 1 else 1)
    if "MemTotal" not in values or "MemAvailable" not in values:
        raise ValueError("/proc/meminfo has no MemTotal/MemAvailable")
    return {"MemTotal": values["MemTotal"], "MemAvailable": values["MemAvailable"]}


def parse_load(out: str) -> tuple[float, float, float, int]:
    lines = out.split("\n")
    one, five, fifteen = (float(x) for x in lines[0].split()[:3])
    return one, five, fifteen, max(1, int(lines[1].strip()))


def parse_proc_net(out: str) -> set[int]:
    """TCP ports in state LISTEN (0A) from /proc/net/tcp and tcp6."""
    ports = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[3] == "0A" and ":" in parts[1]:
            ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


def _user_crontab(conn: Runner, user: str) -> list[str]:
    result = conn.run(f"crontab -l -u {q(user)}")
    if result.rc != 0:
        text = (result.stderr or result.stdout).strip()
        if "no crontab for" in text:
            return []
        raise CommandFailed(f"crontab -l -u {user} exited {result.rc}: {text[:120] or 'no output'}")
    return [f"crontab of {user}: {line}" for line in _active(result.stdout.splitlines())]


def cron_lines(out: str) -> list[str]:
    """``grep -H`` output -> "source: line" for every non-comment line."""
    found = []
    for raw in out.splitlines():
        source, _, line = raw.partition(":")
        if _active([line]):
            found.append(f"{source}: {line.strip()}")
    return found


def _active(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def resolve(ref: str | None, hosts: list[HostEntry]) -> Access:
    """The host a logs/backups/secrets entry names: a hosts entry by name, a spec, or (None) this machine."""
    if ref is None:
        return Access("local://")
    if "://" in ref:
        return Access(ref)
    for entry in hosts:
        if entry.name == ref:
            return access(entry)
    known = ", ".join(e.name for e in hosts) or "none"
    raise HostUnavailable(f"host {ref!r} is not under hosts: (known: {known}) and is not a spec like ssh://user@host")


def access_for(ref: str | None, ctx: Context) -> Access | str:
    """Where an entry's files are; a reference to an unknown host becomes that entry's failure, not an error."""
    try:
        return resolve(ref, ctx.inventory.hosts)
    except HostUnavailable as exc:
        return str(exc)


class Placed(Protocol):
    """An entry that reads a container (``container:``, on ``host:`` or here) or a file (on ``host:`` or here)."""

    @property
    def container(self) -> str | None: ...
    @property
    def host(self) -> str | None: ...


P = TypeVar("P", bound=Placed)
F = TypeVar("F")


def gather_by_place(
    entry: P,
    ctx: Context,
    *,
    remote: Callable[[P, Context], F],
    container: Callable[[P, float], F],
    file: Callable[..., F],
) -> F:
    """Pick the probe for where the entry's data lives: a container on a host (over its session), a container here
    (the Docker engine), or a file (here, or on a host over its session)."""
    timeout = ctx.timeout_for(entry)
    if entry.container is not None and entry.host is not None:
        return remote(entry, ctx)
    if entry.container is not None:
        return container(entry, timeout)
    return file(entry, access_for(entry.host, ctx), timeout, connect=connector(ctx))
