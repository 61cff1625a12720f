"""Reading the newest backup the way a runbook does: list the archive (``tar -tzf``, ``unzip -l``), and for OpenPGP
files with a key configured, ``gpg --decrypt | tar -tzf -`` streamed (no plaintext on disk), bounded by the
timeout. The listing (capped) is kept for ``contains:``."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.sessions import Runner
from ..inventory.backups import BackupEntry
from ..masking import scrub
from ..verdict import shorten
from .hosts_facts import q

MAX_LISTING = 4 * 1024 * 1024  # bytes of listing read back; `contains:` sees no further
_MARK = "==opsverify "
_PGP = (".gpg", ".pgp", ".asc")


@dataclass
class Archive:
    format: str  # "tar.gz", "OpenPGP data (tar.gz inside)", ...
    problem: str | None = None  # None: readable
    listing: list[str] | None = None  # entry names, when the format lists (None: not listed, see `unlisted`)
    unlisted: str = ""  # why there is no listing


def lister(name: str) -> tuple[str, str, str] | None:
    """(format, command listing the archive read from stdin, its name in messages), or None when it does not list."""
    lower = name.lower()
    if lower.endswith((".tar.gz", ".tgz")):
        return "tar.gz", "tar -tzf -", "tar -tzf"
    if lower.endswith(".tar"):
        return "tar", "tar -tf -", "tar -tf"
    return None


def inspect(conn: Runner, entry: BackupEntry, path: str, openpgp: str | None) -> Archive:
    """``openpgp`` is the header check's verdict for .gpg files (None: looks like OpenPGP data)."""
    lower = path.lower()
    if lower.endswith(_PGP):
        inner = path[: path.rfind(".")]
        how = lister(inner)
        if openpgp is not None:
            return Archive("OpenPGP data", openpgp)
        if entry.gpg_home is None:
            return Archive("OpenPGP data, contents not verified: no key", None, None, "no key (set gpg_home)")
        if how is None:
            return Archive(f"OpenPGP data ({inner.rsplit('/', 1)[-1]} inside, not listed)", None, None, "not listed")
        home = q(str(entry.gpg_home))
        archive = _listed(conn, f"OpenPGP data, {how[0]} inside", _decrypt(entry, path), how[1], how[2])
        conn.run(f"gpgconf --homedir {home} --kill gpg-agent >/dev/null 2>&1; true")  # leave no agent behind
        return archive
    how = lister(path)
    if how is not None:
        return _listed(conn, how[0], f"cat {q(path)}", how[1], how[2])
    if lower.endswith(".zip"):
        return _listed(conn, "zip", "true", f"unzip -l {q(path)}", "unzip -l", zip_listing=True)
    return Archive("", None, None, "this format is not listed")


def _decrypt(entry: BackupEntry, path: str) -> str:
    passphrase = entry.gpg_passphrase_file
    secret = f" --pinentry-mode loopback --passphrase-file {q(passphrase)}" if passphrase else ""
    return f"gpg --batch --no-tty --quiet --homedir {q(str(entry.gpg_home))}{secret} --decrypt {q(path)}"


def _listed(conn: Runner, fmt: str, source: str, lister_cmd: str, shown: str, zip_listing: bool = False) -> Archive:
    """Run ``source | lister_cmd`` (no pipefail in sh: each side's exit code is kept apart) and read the listing."""
    script = (
        "t=$(mktemp -d) || exit 70; "
        f'{{ {source} 2>"$t/se"; echo $? >"$t/sr"; }} | {lister_cmd} >"$t/o" 2>"$t/e"; rc=$?; '
        f'echo "{_MARK}rc $rc"; echo "{_MARK}source $(cat "$t/sr")"; '
        f'echo "{_MARK}source-err"; head -c 2000 "$t/se"; echo; '
        f'echo "{_MARK}err"; head -c 2000 "$t/e"; echo; '
        f'echo "{_MARK}list"; head -c {MAX_LISTING} "$t/o"; rm -rf "$t"'
    )
    result = conn.run(script)
    if result.timed_out:
        return Archive(fmt, f"`{shown}` did not finish listing it within the timeout")
    parts = _sections(result.stdout)
    if "rc" not in parts:
        return Archive(fmt, f"cannot list it: {shorten(scrub(result.stderr or result.stdout), 100) or 'no output'}")
    source_rc, rc = parts.get("source", "0").strip(), parts["rc"].strip()
    if source_rc not in ("0", ""):
        said = _first_line(parts.get("source-err", "")) or f"exit {source_rc}"
        tool = source.split()[0]
        return Archive(fmt, f"`{tool} --decrypt` fails: {said}" if tool == "gpg" else f"`{tool}`: {said}")
    if rc == "127":
        return Archive(fmt, f"{shown.split()[0]} is not installed on the host, cannot list the archive")
    if rc != "0":
        said = _first_line(parts.get("err", "")) or f"exit {rc}"
        return Archive(fmt, f"`{shown}` cannot list it: {said}")
    names = parts.get("list", "").splitlines()
    return Archive(fmt, None, _zip_names(names) if zip_listing else [n for n in names if n])


def _sections(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    key = None
    for line in text.split("\n"):
        if line.startswith(_MARK):
            head = line[len(_MARK) :]
            key, _, rest = head.partition(" ")
            out[key] = rest
        elif key is not None:
            out[key] = f"{out[key]}\n{line}" if out[key] or key in ("list", "err", "source-err") else line
    return {k: v.strip("\n") if k not in ("rc", "source") else v for k, v in out.items()}


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return shorten(scrub(lines[0]), 100) if lines else ""


def _zip_names(lines: list[str]) -> list[str]:
    """Names from ``unzip -l``: the rows between the dashed lines, name in the last column."""
    names, inside = [], False
    for line in lines:
        if line.strip().startswith("---"):
            inside = not inside
            continue
        parts = line.split(None, 3)
        if inside and len(parts) == 4:
            names.append(parts[3])
    return names


def missing(listing: list[str], wanted: list[str]) -> list[str]:
    """The ``contains:`` paths not in the listing: ``data/`` is a folder (any entry under it), ``.env`` a file."""
    names = {n.removeprefix("./") for n in listing}
    return [path for path in wanted if not _holds(names, path.removeprefix("./"))]


def _holds(names: set[str], want: str) -> bool:
    if want.endswith("/"):
        return any(n.startswith(want) for n in names)
    return want in names or f"{want}/" in names
