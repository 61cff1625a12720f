"""Hosts through pytest-testinfra: judge what :mod:`.hostfacts` gathered. One verdict per aspect per host; when
several items of an aspect fail (two disks, three files), the message lists each, separated by ``; ``."""

from __future__ import annotations

import re

from ..adapters.host import Result
from ..adapters.sessions import connector
from ..inventory import HostEntry
from ..inventory.hosts import CommandCheck, FileCheck, format_size
from ..kinds import Kind
from ..masking import scrub
from ..verdict import Verdict, quote, shorten
from .eventually import poll, waits
from .hosts_facts import Disk, FileInfo, HostFacts, gather

__all__ = ["commands", "cron", "disks", "files", "gather", "load", "memory", "ports", "processes", "reachable"]


def _summary(entry: HostEntry, facts: HostFacts, problems: list[str], ok: str) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    if problems:
        return Verdict.failed(entry.name, "; ".join(problems))
    return Verdict.passed(entry.name, ok)


@waits
def reachable(entry: HostEntry, facts: HostFacts) -> Verdict:
    return _summary(entry, facts, [], f"reachable ({entry.spec})")


def disks(entry: HostEntry, facts: HostFacts) -> Verdict:
    problems = []
    for check in entry.disks:
        disk = facts.disks.get(check.mount, "not gathered")
        if isinstance(disk, str):
            problems.append(f"disk {check.mount}: {disk}")
            continue
        if check.max_used_percent is not None and disk.used_percent > check.max_used_percent:
            problems.append(
                f"disk {_where(disk)} is {disk.used_percent:.1f}% used, expected <= {check.max_used_percent:g}%"
            )
        wanted = check.min_free_bytes
        if wanted is not None and disk.free < wanted:
            problems.append(f"disk {_where(disk)} has {format_size(disk.free)} free, expected >= {format_size(wanted)}")
    return _summary(entry, facts, problems, f"{len(entry.disks)} disk(s) within limits")


def _where(disk: Disk) -> str:
    return disk.mount if disk.mount == disk.filesystem_mount else f"{disk.mount} (on {disk.filesystem_mount})"


def memory(entry: HostEntry, facts: HostFacts) -> Verdict:
    check = entry.memory
    if facts.error or check is None:
        return _summary(entry, facts, [], "no memory check")
    if not isinstance(facts.memory, dict):
        return _summary(entry, facts, [f"memory: {facts.memory or 'not gathered'}"], "")
    total, available = facts.memory["MemTotal"], facts.memory["MemAvailable"]
    percent = 100.0 * available / total if total else 0.0
    got = f"{format_size(available)} ({percent:.1f}%) of {format_size(total)}"
    problems = []
    if check.min_available_percent is not None and percent < check.min_available_percent:
        problems.append(f"memory available is {got}, expected >= {check.min_available_percent:g}%")
    wanted = check.min_available_bytes
    if wanted is not None and available < wanted:
        problems.append(f"memory available is {got}, expected >= {format_size(wanted)}")
    return _summary(entry, facts, problems, f"memory available {got}")


def load(entry: HostEntry, facts: HostFacts) -> Verdict:
    check = entry.load
    if facts.error or check is None:
        return _summary(entry, facts, [], "no load check")
    if not isinstance(facts.load, tuple):
        return _summary(entry, facts, [f"load: {facts.load or 'not gathered'}"], "")
    index = {"1m": 0, "5m": 1, "15m": 2}[check.window]
    value, cores = facts.load[index], facts.load[3]
    per_core = value / cores
    got = f"{check.window} load per core is {per_core:.2f} ({value:g} on {cores} cores)"
    problems = [f"{got}, expected <= {check.max_per_core:g}"] if per_core > check.max_per_core else []
    return _summary(entry, facts, problems, got)


@waits
def ports(entry: HostEntry, facts: HostFacts) -> Verdict:
    if not facts.error and not isinstance(facts.listening, set):
        return _summary(entry, facts, [f"ports: {facts.listening or 'not gathered'}"], "")
    listening = facts.listening if isinstance(facts.listening, set) else set()
    missing = [p for p in entry.ports if p not in listening]
    problems = []
    if missing:
        problems.append(
            f"TCP port(s) {', '.join(map(str, missing))} not listening, expected {len(entry.ports)} listening "
            f"({len(entry.ports) - len(missing)} are)"
        )
    return _summary(entry, facts, problems, f"port(s) {', '.join(map(str, entry.ports))} listening")


def files(entry: HostEntry, facts: HostFacts) -> Verdict:
    problems = []
    for check in entry.files:
        info = facts.files.get(check.path, "not gathered")
        problems.extend(_file_problems(check, info))
    return _summary(entry, facts, problems, f"{len(entry.files)} path(s) as expected")


def _file_problems(check: FileCheck, info: FileInfo | str) -> list[str]:
    if isinstance(info, str):
        return [f"{check.path}: {info}"]
    if not check.exists:
        return [f"{check.path} exists ({info.type}), expected it absent"] if info.exists else []
    if not info.exists:
        return [f"{check.path} does not exist, expected a {check.type or 'file or directory'}"]
    problems = []
    if check.type is not None and info.type != check.type:
        problems.append(f"{check.path} is a {info.type}, expected a {check.type}")
    if check.mode is not None and int(info.mode, 8) != int(check.mode, 8):
        problems.append(f"{check.path} has mode {int(info.mode, 8):04o}, expected {int(check.mode, 8):04o}")
    if check.owner is not None and info.owner != check.owner:
        problems.append(f"{check.path} is owned by {quote(info.owner)}, expected {quote(check.owner)}")
    if check.group is not None and info.group != check.group:
        problems.append(f"{check.path} has group {quote(info.group)}, expected {quote(check.group)}")
    return problems


def cron(entry: HostEntry, facts: HostFacts) -> Verdict:
    problems = []
    for check in entry.cron:
        sources = ([f"user:{check.user}"] if check.user else []) + (["system"] if check.system else [])
        lines: list[str] = []
        for source in sources:
            found = facts.cron.get(source, "not gathered")
            if isinstance(found, str):
                problems.append(f"cron: {found}")
            else:
                lines.extend(found)
        if not any(re.search(check.pattern, line.split(": ", 1)[-1]) for line in lines):
            where = " and ".join(_cron_place(s) for s in sources)
            problems.append(f"no cron entry matches /{check.pattern}/ in {where} ({len(lines)} active lines)")
    return _summary(entry, facts, problems, f"{len(entry.cron)} cron entr(y/ies) found")


def _cron_place(source: str) -> str:
    return f"the crontab of {source[5:]}" if source.startswith("user:") else "/etc/crontab, /etc/cron.d/*"


@waits
def processes(entry: HostEntry, facts: HostFacts) -> Verdict:
    if not facts.error and not isinstance(facts.processes, list):
        return _summary(entry, facts, [f"processes: {facts.processes or 'not gathered'}"], "")
    running = set(facts.processes) if isinstance(facts.processes, list) else set()
    missing = [p for p in entry.processes if p not in running]
    problems = [f"process(es) {', '.join(missing)} not running, expected running"] if missing else []
    return _summary(entry, facts, problems, f"process(es) {', '.join(entry.processes)} running")


def commands(entry: HostEntry, facts: HostFacts) -> Verdict:
    problems = []
    for check in entry.commands:
        problems.extend(_command_problems(check, facts.commands.get(check.command, "not gathered")))
    return _summary(entry, facts, problems, f"{len(entry.commands)} command(s) as expected")


def _command_problems(check: CommandCheck, result: Result | str) -> list[str]:
    name = f"`{shorten(scrub(check.command), 60)}`"
    if isinstance(result, str):
        return [f"{name}: {result}"]
    if result.timed_out:
        return [f"{name} did not finish in time (killed), expected exit code {check.exit_code}"]
    output = shorten(scrub(result.stdout or result.stderr), 120) or "(no output)"
    if result.rc != check.exit_code:
        return [f"{name} exited {result.rc}, expected {check.exit_code}; output: {output}"]
    if check.stdout_match is not None and not re.search(check.stdout_match, result.stdout):
        return [f"{name} output does not match /{check.stdout_match}/: {output}"]
    if check.stdout_not_match is not None and re.search(check.stdout_not_match, result.stdout):
        return [f"{name} output matches /{check.stdout_not_match}/, expected it not to: {output}"]
    return []


def ready(entry: HostEntry, facts: HostFacts) -> bool:
    """What waiting can fix: the host answers, its ports listen and its processes run."""
    return all(judge(entry, facts).ok for judge in (reachable, ports, processes))


KIND: Kind[HostEntry] = Kind(
    "hosts",
    gather=lambda e, ctx: poll(
        lambda: gather(e, ctx.timeout_for(e), connector(ctx)), lambda f: ready(e, f), e.eventually
    ),
)
