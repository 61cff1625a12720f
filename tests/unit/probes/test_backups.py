"""Backup judgements and format recognition on hand-made facts."""

from __future__ import annotations

import pytest

from opsverify.errors import InventoryError
from opsverify.inventory import load_inventory
from opsverify.inventory.backups import BackupEntry
from opsverify.probes import backups
from opsverify.probes.backups import Backup, BackupFacts


@pytest.mark.parametrize(
    ("first", "ok"),
    [
        ("8c 0d 04 09", True),
        ("c3 0d 04", True),
        ("85 01 0c", True),
        ("d2 4a", True),
        ("50 4b 03 04", False),
        ("99 01", False),
    ],
)
def test_openpgp_packet_headers(first, ok):
    assert (backups._openpgp(first) is None) is ok


def test_armored_openpgp():
    armored = " ".join(f"{b:02x}" for b in b"-----BEGIN PGP MESSAGE-----\n")
    assert backups._openpgp(armored) is None


def test_expected_digest_from_sidecar_or_sums_file():
    digest = "ab" * 32
    assert backups._expected_digest(f"{digest}  db.tar.gz\n", "db.tar.gz") == digest
    assert backups._expected_digest(f"{digest}\n", "db.tar.gz") == digest
    assert backups._expected_digest(f"{'cd' * 32} *other.tgz\n{digest} */backups/db.tar.gz\n", "db.tar.gz") == digest
    assert backups._expected_digest(f"{digest}  other\n", "db.tar.gz") is None


def test_fresh_and_retention():
    entry = BackupEntry(name="db", directory="/b", max_age=86400, min_count=2, retention=7 * 86400)
    now = 10_000_000.0
    facts = BackupFacts(
        "/b on local://", now=now, backups=[Backup("new", now - 7200, 5000), Backup("old", now - 9 * 86400, 5000)]
    )
    assert backups.fresh(entry, facts).message == "db: newest backup new is 2h old, 4.9 KiB"
    assert backups.retention(entry, facts).message == (
        "db: oldest backup old is 1w2d old, expected none older than 1w (retention not pruned)"
    )
    assert backups.fresh(entry, BackupFacts("/b on local://", now=now)).message == (
        "db: no file matches * in /b on local://, expected a backup"
    )


def test_glob_with_a_slash_or_shell_characters_is_refused(tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text("version: 1\nbackups:\n  - name: a\n    directory: /b\n    glob: '*; rm -rf /'\n")
    with pytest.raises(InventoryError, match=r"inv.yml:3: backups\[0\]: glob"):
        load_inventory(inv, environ={})


def test_contains_paths_against_a_listing():
    from opsverify.probes import backups_archive

    listing = ["./data/", "./data/db.sql", ".env", "config/app.yml"]
    assert backups_archive.missing(listing, ["data/", ".env", "config/", "config/app.yml"]) == []
    assert backups_archive.missing(listing, ["uploads/", "data/db.sql", "secrets.yml", "data"]) == [
        "uploads/",
        "secrets.yml",
    ]


def test_zip_listing_names():
    from opsverify.probes import backups_archive

    text = (
        "Archive:  x.zip\n  Length      Date    Time    Name\n---------  ---------- -----   ----\n"
        "       12  2026-11-23 09:35   uploads/read me.txt\n        0  2026-11-23 09:35   uploads/\n"
        "---------                     -------\n       12                     2 files\n"
    )
    assert backups_archive._zip_names(text.splitlines()) == ["uploads/read me.txt", "uploads/"]


def test_contains_without_a_listing_says_why():
    entry = BackupEntry(name="db", directory="/b", contains=[".env"])
    facts = BackupFacts("/b on local://", now=1.0, backups=[Backup("db.tar.gz.gpg", 1.0, 5000)])
    facts.unlisted = "no key (set gpg_home)"
    assert backups.archive_contains(entry, facts).message == (
        "db: cannot check what db.tar.gz.gpg holds: no key (set gpg_home)"
    )
