"""Backups as the runbook reads them (`gpg --decrypt | tar tzf -`), on this machine with a throwaway GnuPG home:
a valid OpenPGP file wrapping a corrupt tarball fails, `contains:` paths are checked, no key says so."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsverify.adapters.host import Access
from opsverify.inventory.backups import BackupEntry
from opsverify.probes import backups

pytestmark = pytest.mark.skipif(shutil.which("gpg") is None, reason="needs gpg")
USER = "opsverify-test@example.invalid"


def _gpg(home: Path, *args: str) -> None:
    subprocess.run(["gpg", "--batch", "--homedir", str(home), *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def keyring(tmp_path_factory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    _gpg(
        home,
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        USER,
        "future-default",
        "default",
        "never",
    )
    try:
        yield home
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30)


def _backup(folder: Path, keyring: Path, name: str, corrupt: bool = False) -> None:
    src = folder / "src"
    (src / "data").mkdir(parents=True, exist_ok=True)
    (src / "data" / "db.sql").write_text("create table t (x int);\n" * 200)
    (src / ".env").write_text("APP=1\n")
    plain = folder / "plain.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        tar.add(src / "data", arcname="data")
        tar.add(src / ".env", arcname=".env")
    if corrupt:
        plain.write_bytes(plain.read_bytes()[: plain.stat().st_size // 2])
    _gpg(keyring, "--trust-model", "always", "-r", USER, "-o", str(folder / name), "-e", str(plain))
    plain.unlink()
    shutil.rmtree(src)


def _facts(entry: BackupEntry) -> backups.BackupFacts:
    return backups.gather(entry, Access("local://"), 10.0)


def test_a_decrypted_archive_is_listed_and_holds_its_paths(tmp_path, keyring):
    _backup(tmp_path, keyring, "db-1.tar.gz.gpg")
    entry = BackupEntry(name="b", directory=str(tmp_path), glob="db-*.gpg", gpg_home=str(keyring),
                        contains=["data/", ".env"])  # fmt: skip
    facts = _facts(entry)
    assert backups.archive_readable(entry, facts).message == (
        "b: newest backup db-1.tar.gz.gpg is readable (OpenPGP data, tar.gz inside)"
    )
    assert backups.archive_contains(entry, facts).message == "b: newest backup db-1.tar.gz.gpg holds data/, .env"
    entry.contains = ["data/", "uploads/", "config.yml"]
    assert backups.archive_contains(entry, facts).message == (
        "b: newest backup db-1.tar.gz.gpg holds no uploads/, config.yml (3 entries), expected data/, uploads/, config.yml"
    )


def test_valid_openpgp_wrapping_a_corrupt_tarball_fails(tmp_path, keyring):
    _backup(tmp_path, keyring, "db-1.tar.gz.gpg", corrupt=True)
    entry = BackupEntry(name="b", directory=str(tmp_path), glob="db-*.gpg", gpg_home=str(keyring))
    verdict = backups.archive_readable(entry, _facts(entry))
    assert not verdict.ok
    assert verdict.message.startswith(
        "b: newest backup db-1.tar.gz.gpg (OpenPGP data, tar.gz inside) is not readable: `tar -tzf` cannot list it: "
    ), verdict.message


def test_without_a_key_it_says_not_verified(tmp_path, keyring):
    _backup(tmp_path, keyring, "db-1.tar.gz.gpg", corrupt=True)
    entry = BackupEntry(name="b", directory=str(tmp_path), glob="db-*.gpg", contains=[".env"])
    facts = _facts(entry)
    assert backups.archive_readable(entry, facts).message == (
        "b: newest backup db-1.tar.gz.gpg is readable (OpenPGP data, contents not verified: no key)"
    )
    assert backups.archive_contains(entry, facts).message == (
        "b: cannot check what db-1.tar.gz.gpg holds: no key (set gpg_home)"
    )


def test_the_wrong_key_fails_with_gpgs_reason(tmp_path, keyring):
    _backup(tmp_path, keyring, "db-1.tar.gz.gpg")
    other = tmp_path / "other-gnupg"
    other.mkdir(mode=0o700)
    entry = BackupEntry(name="b", directory=str(tmp_path), glob="db-*.gpg", gpg_home=str(other))
    try:
        verdict = backups.archive_readable(entry, _facts(entry))
    finally:
        subprocess.run(["gpgconf", "--homedir", str(other), "--kill", "all"], capture_output=True, timeout=30)
    assert verdict.message.startswith(
        "b: newest backup db-1.tar.gz.gpg (OpenPGP data, tar.gz inside) is not readable: `gpg --decrypt` fails: "
    ), verdict.message
