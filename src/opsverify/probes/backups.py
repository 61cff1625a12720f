"""Backups in a folder, on this machine or a host (testinfra): fresh, big enough, readable, checksummed, kept.

One listing (``stat`` of every file matching the glob, and the host's clock), then, for the newest backup only, one
readability command and one checksum command. A missing folder is a failed check with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..adapters.host import Access, CommandFailed, Connection, HostUnavailable, Result
from ..adapters.sessions import Connect, Runner, connector
from ..durations import format_duration
from ..inventory.backups import BackupEntry
from ..inventory.hosts import format_size
from ..kinds import Kind
from ..masking import scrub
from ..verdict import Verdict, shorten
from . import backups_archive
from .backups_archive import Archive
from .hosts_facts import access_for, q

CHECKSUM_SUFFIXES = (".sha256", ".sha256sum")
CHECKSUM_FILES = ("SHA256SUMS", "sha256sums.txt")
# first packets of OpenPGP data: PKESK, signature, SKESK, one-pass signature, compressed, SED, literal, SEIPD, AEAD
_PGP_TAGS = {1, 2, 3, 4, 8, 9, 11, 18, 20}


@dataclass(frozen=True)
class Backup:
    name: str
    mtime: float
    size: int


@dataclass
class BackupFacts:
    where: str  # "/backups on ssh://root@db1"
    error: str | None = None  # unreachable host, missing folder
    now: float = 0.0  # the host's clock
    backups: list[Backup] = field(default_factory=list)  # newest first
    readable: str | None = None  # None: readable; else why not
    format: str = ""  # what the newest was recognised as
    listing: list[str] | None = None  # the newest archive's entries, when it was listed
    unlisted: str = "not listed"  # why there is no listing
    checksum: str | None = None  # None: matches; else why not


def gather(entry: BackupEntry, access: Access | str, timeout: float, connect: Connect = Connection) -> BackupFacts:
    facts = BackupFacts(f"{entry.directory} on {access.spec if isinstance(access, Access) else '?'}")
    if isinstance(access, str):
        facts.error = access
        return facts
    try:
        conn = connect(access, timeout)
        _list(entry, conn, facts)
        if facts.backups and not facts.error:
            newest = f"{entry.directory.rstrip('/')}/{facts.backups[0].name}"
            if entry.verify_archive or entry.contains:
                archive = readable(conn, entry, newest)
                facts.format, facts.readable = archive.format, archive.problem
                facts.listing, facts.unlisted = archive.listing, archive.unlisted
            if entry.checksum:
                facts.checksum = checksum(conn, entry.directory, facts.backups[0].name)
    except (HostUnavailable, CommandFailed) as exc:
        facts.error = str(exc)
    except ValueError as exc:  # a listing we cannot read (an odd `stat` or `date`)
        facts.error = f"cannot read the listing of {entry.directory}: {exc}"
    return facts


def _list(entry: BackupEntry, conn: Runner, facts: BackupFacts) -> None:
    folder = q(entry.directory)
    out = conn.output(
        f"[ -d {folder} ] || {{ echo MISSING; exit 0; }}; date +%s; cd {folder} && "
        f'for f in {entry.glob}; do [ -f "$f" ] && stat -c \'%Y|%s|%n\' -- "$f"; done; true'
    )
    lines = out.strip().splitlines()
    if lines == ["MISSING"]:
        facts.error = f"directory {entry.directory} does not exist, expected backups in it"
        return
    facts.now = float(lines[0])
    found = []
    for line in lines[1:]:
        mtime, size, name = line.split("|", 2)
        if not name.endswith(CHECKSUM_SUFFIXES) and name not in CHECKSUM_FILES:
            found.append(Backup(name, float(mtime), int(size)))
    facts.backups = sorted(found, key=lambda b: (b.mtime, b.name), reverse=True)


def readable(conn: Runner, entry: BackupEntry, path: str) -> Archive:
    """The newest backup as its format allows: listed (tar, tar.gz, zip; .gpg decrypted and listed with a key),
    tested (.gz), or its OpenPGP header checked (.gpg without a key)."""
    lower = path.lower()
    openpgp = None
    if lower.endswith((".gpg", ".pgp", ".asc")):
        openpgp = _openpgp(conn.output(f"head -c 64 {q(path)} | od -An -tx1"))
    elif lower.endswith(".gz") and not lower.endswith((".tar.gz", ".tgz")):
        return Archive("gzip", _listed(conn.run(f"gzip -t {q(path)}"), "gzip -t"), None, "a .gz is tested, not listed")
    archive = backups_archive.inspect(conn, entry, path, openpgp)
    if not archive.format:
        return Archive("unknown format (not verified)", None, None, "unknown format")
    return archive


def _listed(result: Result, tool: str) -> str | None:
    if result.rc == 0 and not result.timed_out:
        return None
    if result.rc == 127:
        return f"{tool.split()[0]} is not installed on the host, cannot list the archive"
    said = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    why = "timed out" if result.timed_out else shorten(scrub(said[0]), 100) if said else f"exit {result.rc}"
    return f"`{tool}` cannot list it: {why}"


def _openpgp(hex_dump: str) -> str | None:
    data = bytes(int(x, 16) for x in hex_dump.split())
    if data.startswith(b"-----BEGIN PGP MESSAGE-----"):
        return None
    if not data or not data[0] & 0x80:
        return f"not OpenPGP data (first bytes {data[:4].hex(' ') or 'none'})"
    tag = data[0] & 0x3F if data[0] & 0x40 else (data[0] >> 2) & 0x0F
    return None if tag in _PGP_TAGS else f"not OpenPGP data (packet tag {tag} cannot start a message)"


def checksum(conn: Runner, directory: str, name: str) -> str | None:
    """None when the newest backup's sha256 matches its checksum file, else why not."""
    folder = q(directory)
    sides = " ".join(q(name + s) for s in CHECKSUM_SUFFIXES) + " " + " ".join(CHECKSUM_FILES)
    out = conn.output(
        f'cd {folder} && for c in {sides}; do [ -f "$c" ] && {{ echo "== $c"; cat "$c"; }}; done; '
        f"echo '== actual'; sha256sum -- {q(name)}"
    )
    expected, source, actual = None, "", ""
    for block in out.split("== ")[1:]:
        head, _, body = block.partition("\n")
        if head == "actual":
            actual = body.split()[0] if body.split() else ""
        elif expected is None:
            expected, source = _expected_digest(body, name), head
    if not source:
        return f"no checksum file for {name} ({name}.sha256 or SHA256SUMS), expected one"
    if expected is None:
        return f"{source} has no sha256 for {name}"
    if expected.lower() != actual.lower():
        return f"sha256 of {name} is {actual[:12]}…, expected {expected[:12]}… from {source}"
    return None


def _expected_digest(text: str, name: str) -> str | None:
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 1 and len(parts[0]) == 64:
            return parts[0]
        if len(parts) >= 2 and parts[-1].lstrip("*").rsplit("/", 1)[-1] == name:
            return parts[0]
    return None


def _age(seconds: float) -> str:
    return format_duration(round(seconds / 60) * 60 if seconds >= 3600 else round(seconds))


def fresh(entry: BackupEntry, facts: BackupFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    if not facts.backups:
        return Verdict.failed(entry.name, f"no file matches {entry.glob} in {facts.where}, expected a backup")
    newest = facts.backups[0]
    age = max(0.0, facts.now - newest.mtime)
    got = f"newest backup {newest.name} is {_age(age)} old, {format_size(newest.size)}"
    if age > entry.max_age:
        return Verdict.failed(entry.name, f"{got}; expected at most {format_duration(entry.max_age)} old")
    if newest.size < entry.min_size_bytes:
        return Verdict.failed(entry.name, f"{got}; expected at least {format_size(entry.min_size_bytes)}")
    return Verdict.passed(entry.name, got)


def archive_readable(entry: BackupEntry, facts: BackupFacts) -> Verdict:
    bad = fresh(entry, facts) if facts.error or not facts.backups else None
    if bad is not None:
        return bad
    name = facts.backups[0].name
    if facts.readable:
        return Verdict.failed(entry.name, f"newest backup {name} ({facts.format}) is not readable: {facts.readable}")
    return Verdict.passed(entry.name, f"newest backup {name} is readable ({facts.format})")


def archive_contains(entry: BackupEntry, facts: BackupFacts) -> Verdict:
    """``contains:``: the newest archive holds each path (``data/`` a folder with anything under it)."""
    readable = archive_readable(entry, facts)
    if not readable.ok:
        return readable
    name = facts.backups[0].name
    if facts.listing is None:
        return Verdict.failed(entry.name, f"cannot check what {name} holds: {facts.unlisted}")
    absent = backups_archive.missing(facts.listing, entry.contains)
    if absent:
        return Verdict.failed(
            entry.name,
            f"newest backup {name} holds no {', '.join(absent)} ({len(facts.listing)} entries), "
            f"expected {', '.join(entry.contains)}",
        )
    return Verdict.passed(entry.name, f"newest backup {name} holds {', '.join(entry.contains)}")


def checksum_matches(entry: BackupEntry, facts: BackupFacts) -> Verdict:
    bad = fresh(entry, facts) if facts.error or not facts.backups else None
    if bad is not None:
        return bad
    if facts.checksum:
        return Verdict.failed(entry.name, facts.checksum)
    return Verdict.passed(entry.name, f"sha256 of {facts.backups[0].name} matches")


def retention(entry: BackupEntry, facts: BackupFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    count = len(facts.backups)
    if count < entry.min_count:
        return Verdict.failed(entry.name, f"{count} backup(s) match {entry.glob}, expected at least {entry.min_count}")
    if entry.retention is not None and facts.backups:
        oldest = facts.backups[-1]
        age = facts.now - oldest.mtime
        if age > entry.retention:
            return Verdict.failed(
                entry.name,
                f"oldest backup {oldest.name} is {_age(age)} old, "
                f"expected none older than {format_duration(entry.retention)} (retention not pruned)",
            )
    return Verdict.passed(entry.name, f"{count} backup(s) kept")


KIND: Kind[BackupEntry] = Kind(
    "backups", gather=lambda e, ctx: gather(e, access_for(e.host, ctx), ctx.timeout_for(e), connector(ctx))
)
