"""Containers in depth: memory use against the limit, a limit at all, a pinned image, commands run inside, and
connections made from inside to another container's port. Inspect-only judgements read the ``containers`` facts;
the rest gather :class:`DepthFacts` (one stats sample, one ``docker exec`` per command and per port)."""

from __future__ import annotations

import ipaddress
import operator
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from ..adapters import docker
from ..errors import OpsverifyError
from ..inventory import ContainerEntry
from ..inventory.containers import ContainerExec, parse_bound
from ..inventory.hosts import format_size, parse_size
from ..masking import scrub
from ..verdict import Verdict, shorten
from . import containers
from .containers import ContainerFacts

_COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    output: str


@dataclass
class DepthFacts:
    base: ContainerFacts
    memory_used: int | None = None  # bytes, page cache excluded (as `docker stats` shows)
    memory_limit: int | None = None  # the cgroup limit stats report (host memory when none is set)
    stats_error: str | None = None
    execs: dict[str, ExecResult | str] = field(default_factory=dict)  # command text -> result or why none
    reaches: dict[str, ExecResult | str] = field(default_factory=dict)
    # volume name -> size in bytes (None: unknown), or why it cannot be judged
    volumes: dict[str, int | str | None] = field(default_factory=dict)


def command_text(check: ContainerExec) -> str:
    return check.command if isinstance(check.command, str) else shlex.join(check.command)


def gather(entry: ContainerEntry, timeout: float) -> DepthFacts:
    facts = DepthFacts(containers.gather(entry.name, timeout))
    if facts.base.error or not facts.base.found or facts.base.status != "running":
        return facts
    if entry.max_memory_percent is not None:
        _stats(entry.name, timeout, facts)
    if entry.volumes:
        _volumes(entry, timeout, facts)
    for check in entry.exec:
        argv = ["/bin/sh", "-c", check.command] if isinstance(check.command, str) else check.command
        facts.execs[command_text(check)] = _exec(entry.name, argv, timeout)
    for target in entry.reaches:
        facts.reaches[target] = _exec(entry.name, ["/bin/sh", "-c", reach_script(target, timeout)], timeout)
    return facts


def reach_script(target: str, timeout: float) -> str:
    """Open ``host:port`` from inside the container, as the container resolves the name: with nc, else bash's
    /dev/tcp; on failure, say what the name resolves to inside (getent), unless it is an address already."""
    host, _, port = target.rpartition(":")
    h, p, w = shlex.quote(host), shlex.quote(port), str(max(1, round(timeout)))
    script = (
        f"if command -v nc >/dev/null 2>&1; then nc -z -w {w} {h} {p} 2>/dev/null || nc -w {w} {h} {p} </dev/null; "
        f"elif command -v bash >/dev/null 2>&1; then bash -c 'exec 3<>\"/dev/tcp/$0/$1\"' {h} {p}; "
        "else echo 'neither nc nor bash in the container to open a connection'; exit 127; fi; rc=$?"
    )
    if not _is_address(host):
        script += (
            f"; if [ $rc -ne 0 ] && command -v getent >/dev/null 2>&1; then a=$(getent hosts {h} | awk '{{print $1; exit}}'); "
            f'if [ -n "$a" ]; then echo "{host} resolves to $a inside"; else echo "{host} does not resolve inside"; fi; fi'
        )
    return script + "; exit $rc"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _volumes(entry: ContainerEntry, timeout: float, facts: DepthFacts) -> None:
    def sizes() -> dict[str, int]:
        with docker.docker_errors("volume sizes (docker system df)"):
            usage = docker.client(timeout).api.df().get("Volumes") or []
        return {str(v.get("Name")): int((v.get("UsageData") or {}).get("Size", -1)) for v in usage}

    def inspect(name: str) -> None:
        with docker.docker_errors(f"volume {name}"):
            docker.client(timeout).api.inspect_volume(name)

    volume_facts(entry, facts, sizes, inspect)


def volume_facts(
    entry: ContainerEntry, facts: DepthFacts, sizes: Callable[[], dict[str, int]], inspect: Callable[[str], None]
) -> None:
    """Each named volume: does it exist (``inspect`` raises ``NotFound`` when not); its size from the engine's disk
    usage (``sizes``) when a budget is set. The same for the local engine and for one reached over SSH."""
    known: dict[str, int] = {}
    if any(v.max_size is not None for v in entry.volumes):
        try:
            known = sizes()
        except OpsverifyError as exc:
            facts.volumes = {v.name: str(exc) for v in entry.volumes}
            return
    for volume in entry.volumes:
        try:
            inspect(volume.name)
        except docker.NotFound:
            facts.volumes[volume.name] = "does not exist (docker volume ls shows no such name)"
            continue
        except OpsverifyError as exc:
            facts.volumes[volume.name] = str(exc)
            continue
        size = known.get(volume.name, -1)
        facts.volumes[volume.name] = size if size >= 0 else None


def _stats(name: str, timeout: float, facts: DepthFacts) -> None:
    try:
        with docker.docker_errors(f"container {name}: stats"):
            memory = docker.client(timeout).api.stats(name, stream=False, one_shot=True).get("memory_stats") or {}
    except OpsverifyError as exc:
        facts.stats_error = str(exc)
        return
    inner = memory.get("stats") or {}
    cache = inner.get("total_inactive_file", inner.get("inactive_file", 0))
    if "usage" not in memory:
        facts.stats_error = "the engine reported no memory usage (cgroup memory accounting off?)"
        return
    facts.memory_used = max(0, int(memory["usage"]) - int(cache))
    facts.memory_limit = int(memory.get("limit") or 0) or None


def _exec(name: str, argv: list[str], timeout: float) -> ExecResult | str:
    try:
        with docker.docker_errors(f"container {name}: exec {shorten(scrub(shlex.join(argv)), 60)}"):
            result = docker.exec_run(name, argv, timeout)
    except OpsverifyError as exc:
        return str(exc)
    if result.timed_out or result.exit_code is None:
        return f"did not finish within {timeout:g}s"
    return ExecResult(result.exit_code, result.output.decode("utf-8", errors="replace"))


def _limit(facts: ContainerFacts) -> int:
    return int((facts.attrs.get("HostConfig") or {}).get("Memory") or 0)


def memory_limit_set(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = containers._unusable(entry, facts)
    if bad is not None:
        return bad
    limit = _limit(facts)
    wanted = f" {entry.memory_limit}" if isinstance(entry.memory_limit, str) else ""
    if not limit:
        return Verdict.failed(
            entry.name, f"has no memory limit (HostConfig.Memory is 0), expected one{wanted or ' (mem_limit)'}"
        )
    if isinstance(entry.memory_limit, str):
        op, bound = parse_bound(entry.memory_limit)
        if not _COMPARE[op](limit, bound):
            return Verdict.failed(entry.name, f"memory limit is {format_size(limit)}, expected{wanted}")
    return Verdict.passed(entry.name, f"memory limit {format_size(limit)}{wanted and f' ({wanted.strip()})'}")


def image_pinned(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = containers._unusable(entry, facts)
    if bad is not None:
        return bad
    image = facts.image
    if "@sha256:" in image:
        return Verdict.passed(entry.name, f"image pinned by digest ({shorten(image, 80)})")
    name, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    if not tag or tag == "latest":
        shown = f'"{image}"' + ("" if tag else " (no tag means :latest)")
        return Verdict.failed(entry.name, f"image is {shown}, expected a pinned tag or digest, not :latest")
    return Verdict.passed(entry.name, f"image pinned to tag {tag} ({name})")


def _running(entry: ContainerEntry, facts: DepthFacts) -> Verdict | None:
    bad = containers._unusable(entry, facts.base)
    if bad is not None:
        return bad
    if facts.base.status != "running":
        return Verdict.failed(entry.name, f'status is "{facts.base.status}", expected "running" to look inside it')
    return None


def memory_usage(entry: ContainerEntry, facts: DepthFacts) -> Verdict:
    bad = _running(entry, facts)
    if bad is not None:
        return bad
    limit = _limit(facts.base)
    if facts.stats_error or facts.memory_used is None:
        return Verdict.failed(entry.name, f"memory use unknown: {facts.stats_error or 'no stats'}")
    if not limit:
        used = format_size(facts.memory_used)
        return Verdict.failed(entry.name, f"uses {used} with no memory limit set, expected a limit to compare against")
    percent = 100.0 * facts.memory_used / limit
    got = f"uses {format_size(facts.memory_used)} of its {format_size(limit)} memory limit ({percent:.1f}%)"
    wanted = entry.max_memory_percent if entry.max_memory_percent is not None else 100.0
    if percent > wanted:
        return Verdict.failed(entry.name, f"{got}, expected <= {wanted:g}%")
    return Verdict.passed(entry.name, got)


def exec_commands(entry: ContainerEntry, facts: DepthFacts) -> Verdict:
    bad = _running(entry, facts)
    if bad is not None:
        return bad
    problems = []
    for check in entry.exec:
        text = command_text(check)
        result = facts.execs.get(text, "not run")
        name = f"`{shorten(scrub(text), 60)}`"
        if isinstance(result, str):
            problems.append(f"{name}: {result}")
            continue
        output = shorten(scrub(result.output), 120) or "(no output)"
        if result.exit_code != check.exit_code:
            problems.append(f"{name} exited {result.exit_code}, expected {check.exit_code}; output: {output}")
        elif check.output_match is not None and not re.search(check.output_match, result.output):
            problems.append(f"{name} output does not match /{check.output_match}/: {output}")
    if problems:
        return Verdict.failed(entry.name, "; ".join(problems))
    return Verdict.passed(entry.name, f"{len(entry.exec)} command(s) inside as expected")


def reaches(entry: ContainerEntry, facts: DepthFacts) -> Verdict:
    bad = _running(entry, facts)
    if bad is not None:
        return bad
    problems = []
    for target in entry.reaches:
        result = facts.reaches.get(target, "not tried")
        if isinstance(result, str):
            problems.append(f"{target}: {result}")
        elif result.exit_code != 0:
            why = shorten(scrub(result.output), 100) or f"nc exited {result.exit_code}"
            problems.append(f"cannot connect to {target} from inside ({why}), expected a connection")
    if problems:
        return Verdict.failed(entry.name, "; ".join(problems))
    return Verdict.passed(entry.name, f"connects to {', '.join(entry.reaches)}")


def volumes(entry: ContainerEntry, facts: DepthFacts) -> Verdict:
    bad = _running(entry, facts)
    if bad is not None:
        return bad
    mounted = {str(m.get("Name")) for m in facts.base.attrs.get("Mounts") or [] if m.get("Type") == "volume"}
    problems = []
    for check in entry.volumes:
        found = facts.volumes.get(check.name, "not looked at")
        if isinstance(found, str):
            problems.append(f"volume {check.name} {found}" if found.startswith("does not") else found)
        elif check.name not in mounted:
            problems.append(f"volume {check.name} exists but is not mounted by {entry.name}")
        elif check.max_size is not None:
            budget = parse_size(check.max_size)
            if found is None:
                problems.append(f"volume {check.name}: the engine reported no size (docker system df -v)")
            elif found > budget:
                problems.append(f"volume {check.name} holds {format_size(found)}, expected <= {format_size(budget)}")
    if problems:
        return Verdict.failed(entry.name, "; ".join(problems))
    return Verdict.passed(entry.name, f"volume(s) {', '.join(v.name for v in entry.volumes)} mounted")
