"""Error storms: lines matching a pattern in a container's log (docker SDK) or a log file (through testinfra),
over the last N hours, against a threshold. Every line kept is scrubbed of ``token=...``-style values and masked."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import masking
from ..adapters import docker
from ..adapters.host import Access, CommandFailed, Connection, HostUnavailable
from ..adapters.sessions import Connect
from ..durations import format_duration
from ..errors import OpsverifyError
from ..inventory.logs import LogEntry
from ..kinds import Context, Kind
from ..verdict import Verdict, shorten
from .hosts_facts import gather_by_place, q

_ISO = re.compile(r"^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2})?")
_SYSLOG = re.compile(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}:\d{2}:\d{2})")
# logfmt, as Prometheus, Alertmanager, Loki (ts=), Prometheus 3 / slog (time=) and Grafana (t=) write it
_LOGFMT = re.compile(r'(?:^|\s)(?:ts|time|t|timestamp)="?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}[^"\s]*)')
_JSON_KEYS = ("@timestamp", "timestamp", "time", "ts", "t")
MAX_LINES = 200_000  # a container's log is read from its last this-many lines in the window
MAX_KEPT = 50  # matching lines kept for the report (the count covers all)


@dataclass
class LogFacts:
    source: str  # "container lab-api" or "/var/log/app.log on local://"
    error: str | None = None
    lines: int = 0  # lines inside the window
    count: int = 0  # of those, matching the pattern (and not the ignore pattern)
    last: list[str] = field(default_factory=list)  # the last matching lines, scrubbed
    required: int = 0  # lines inside the window matching ``must_match``
    note: str = ""  # e.g. "no timestamps: the whole tail counted"


def gather_container(entry: LogEntry, timeout: float) -> LogFacts:
    name = str(entry.container)
    facts = LogFacts(f"the log of container {name}")
    try:
        with docker.docker_errors(f"container {name}: logs"):
            api = docker.client(timeout).api
            register_env_secrets(api.inspect_container(name))
            since = int(time.time() - entry.since)
            raw = api.logs(name, stdout=True, stderr=True, timestamps=False, since=since, tail=MAX_LINES)
    except OpsverifyError as exc:
        facts.error = str(exc)
        return facts
    count_lines(entry, facts, raw.decode("utf-8", errors="replace").splitlines())
    return facts


def register_env_secrets(attrs: dict[str, object]) -> None:
    """Secret-looking variables of the container: their values must never be shown, even in its log lines."""
    config = attrs.get("Config")
    for item in (config.get("Env") if isinstance(config, dict) else None) or []:
        key, _, value = str(item).partition("=")
        if masking.looks_secret(key):
            masking.MASKER.add(value)


def gather_file(
    entry: LogEntry, access: Access | str, timeout: float, now: float | None = None, connect: Connect = Connection
) -> LogFacts:
    where = access.spec if isinstance(access, Access) else "?"
    facts = LogFacts(f"{entry.path} on {where}")
    if isinstance(access, str):
        facts.error = access
        return facts
    path = str(entry.path)
    try:
        conn = connect(access, timeout)
        text = conn.output(f"if [ -r {q(path)} ]; then tail -c {entry.max_bytes} {q(path)}; else echo MISSING; fi")
    except (HostUnavailable, CommandFailed) as exc:
        facts.error = str(exc)
        return facts
    if text.strip() == "MISSING":
        facts.error = f"{path} does not exist or is not readable, expected a log file"
        return facts
    lines, facts.note = within(text.splitlines(), (now or time.time()) - entry.since)
    count_lines(entry, facts, lines)
    return facts


def within(lines: list[str], start: float) -> tuple[list[str], str]:
    """Lines stamped at or after ``start``; unstamped lines follow the previous stamp (stack traces)."""
    kept, stamp, seen = [], None, False
    for line in lines:
        found = parse_stamp(line)
        if found is not None:
            stamp, seen = found, True
        if stamp is None or stamp >= start:
            kept.append(line)
    if not seen:
        return lines, "no timestamps found: every line read was counted"
    return [line for line in kept if line], ""


def parse_stamp(line: str) -> float | None:
    """Seconds since the epoch of a line: an ISO-8601 (UTC unless an offset is given) or syslog prefix, a logfmt
    ``ts=``/``time=``/``t=`` field, or a JSON line's ``@timestamp``/``timestamp``/``time``/``ts`` (ISO or epoch)."""
    if line.startswith("{"):
        return _json_stamp(line)
    stamp = _iso(line)
    if stamp is not None:
        return stamp
    logfmt = _LOGFMT.search(line)
    if logfmt:
        return _iso(logfmt.group(1))
    return _syslog(line)


def _json_stamp(line: str) -> float | None:
    try:
        doc = json.loads(line)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    for key in _JSON_KEYS:
        value = doc.get(key)
        if isinstance(value, str):
            return _iso(value)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return _epoch(float(value))
    return None


def _epoch(value: float) -> float:
    """Seconds from an epoch number in seconds, milliseconds, microseconds or nanoseconds (zap, bunyan, ...)."""
    if value > 1e17:
        return value / 1e9
    if value > 1e14:
        return value / 1e6
    if value > 1e11:
        return value / 1e3
    return value


def _iso(text: str) -> float | None:
    iso = _ISO.match(text)
    if iso:
        zone = (iso.group(3) or "Z").replace("Z", "+00:00")
        zone = zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
        try:
            return datetime.fromisoformat(f"{iso.group(1)}T{iso.group(2)}{zone}").timestamp()
        except ValueError:
            return None
    return None


def _syslog(line: str) -> float | None:
    sys_log = _SYSLOG.match(line)
    if sys_log:
        year = datetime.now(UTC).year
        try:
            stamp = datetime.strptime(
                f"{year} {sys_log.group(1)} {sys_log.group(2)} {sys_log.group(3)}", "%Y %b %d %H:%M:%S"
            )
        except ValueError:
            return None
        value = stamp.replace(tzinfo=UTC).timestamp()
        return value if value <= time.time() + 86400 else stamp.replace(year=year - 1, tzinfo=UTC).timestamp()
    return None


def count_lines(entry: LogEntry, facts: LogFacts, lines: list[str]) -> None:
    pattern = re.compile(entry.pattern)
    ignore = re.compile(entry.ignore) if entry.ignore else None
    facts.lines = len(lines)
    required = re.compile(entry.must_match) if entry.must_match else None
    kept: list[str] = []
    for line in lines:
        if required and required.search(line):
            facts.required += 1
        if pattern.search(line) and not (ignore and ignore.search(line)):
            facts.count += 1
            masking.MASKER.learn(line)  # its secrets are masked wherever they appear, shown or not
            kept.append(line)
            del kept[:-MAX_KEPT]
    facts.last = [shorten(masking.scrub(line), 300) for line in kept]  # masked once everything is learnt


def error_rate(entry: LogEntry, facts: LogFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    window = format_duration(entry.since)
    what = f"{facts.count} of {facts.lines} lines in the last {window} of {facts.source} match /{entry.pattern}/"
    note = f" ({facts.note})" if facts.note else ""
    if facts.count > entry.max_matches:
        shown = facts.last[-entry.show :] if entry.show else []
        last = f"; last: {shorten(shown[-1], 160)}" if shown else ""
        return Verdict.failed(entry.name, f"{what}, expected <= {entry.max_matches}{note}{last}", shown)
    return Verdict.passed(entry.name, f"{what}{note}")


def required_line(entry: LogEntry, facts: LogFacts) -> Verdict:
    """``must_match``: at least one line of the window shows the service doing its work (e.g. "polling started")."""
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    where = f"the last {format_duration(entry.since)} of {facts.source}"
    note = f" ({facts.note})" if facts.note else ""
    if facts.required == 0:
        return Verdict.failed(
            entry.name, f"no line in {where} matches /{entry.must_match}/, expected at least one{note}"
        )
    return Verdict.passed(entry.name, f"{facts.required} line(s) in {where} match /{entry.must_match}/{note}")


def _gather(entry: LogEntry, ctx: Context) -> LogFacts:
    return gather_by_place(entry, ctx, remote=_remote, container=gather_container, file=gather_file)


def _remote(entry: LogEntry, ctx: Context) -> LogFacts:
    from . import remote_docker  # it imports this module

    return remote_docker.logs(entry, ctx)


KIND: Kind[LogEntry] = Kind("logs", gather=_gather)
