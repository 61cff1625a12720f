"""Backups in the lab's real folders (real archives, real ages), on this machine and over ssh."""

from __future__ import annotations

import re

import pytest

from opsverify.adapters.host import Access
from opsverify.inventory.backups import BackupEntry
from opsverify.probes import backups

from .conftest import build

JUDGES = (backups.fresh, backups.archive_readable, backups.checksum_matches, backups.retention)


def run(lab, case, access=None, **options):
    data = {"checksum": True, "min_count": 1, "retention": "7d", **options}
    entry = build(BackupEntry, name=case, directory=str(lab / "backups" / case), **data)
    facts = backups.gather(entry, access or Access("local://"), 5.0)
    return {j.__name__: j(entry, facts) for j in JUDGES}


@pytest.mark.parametrize("case", ["good", "zip", "gpg"])
def test_good_backups_pass_locally(lab, case):
    verdicts = run(lab, case, checksum=case != "gpg", glob="*" if case != "good" else "db-*.tar.gz")
    for name, verdict in verdicts.items():
        assert verdict.ok, f"{name}: {verdict.message}"
    formats = {"good": "(tar.gz)", "zip": "(zip)", "gpg": "(OpenPGP data, contents not verified: no key)"}
    assert verdicts["archive_readable"].message.endswith(formats[case])


def test_good_backups_pass_over_ssh(lab, ssh_access):
    access = Access(ssh_access["spec"], ssh_access["identity_file"], ssh_access["known_hosts"])
    verdicts = run(lab, "good", access, min_count=5)
    assert all(v.ok for v in verdicts.values()), [v.message for v in verdicts.values()]
    assert re.match(r"good: newest backup db-[\d-]+\.tar\.gz is 2h(\d+m)? old, 2\.\d KiB$", verdicts["fresh"].message)


EXPECTED = {
    "stale": ("fresh", r"is 3d(\d+m)? old, 2\.\d KiB; expected at most 1d2h old$"),
    "corrupt": (
        "archive_readable",
        r"\(tar\.gz\) is not readable: `tar -tzf` cannot list it: gzip: stdin: unexpected end",
    ),
    "badsum": ("checksum_matches", r"is [0-9a-f]{12}…, expected 0{12}… from db-[\d-]+\.tar\.gz\.sha256$"),
    "tiny": ("fresh", r"is 1h(\d+m)? old, 20 B; expected at least 1\.0 KiB$"),
    "few": ("retention", r"1 backup\(s\) match \*, expected at least 3$"),
    "unpruned": ("retention", r"is 5w5d(\d+h)?(\d+m)? old, expected none older than 1w \(retention not pruned\)$"),
    "missing": ("fresh", r"directory {lab}/backups/missing does not exist, expected backups in it$"),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_fault_is_caught_with_its_reason(lab, case):
    judge, text = EXPECTED[case]
    verdicts = run(lab, case, min_size="1K", min_count=3 if case == "few" else 1)
    assert not verdicts[judge].ok
    assert re.search(text.replace("{lab}", str(lab)), verdicts[judge].message), verdicts[judge].message
    assert "\n" not in verdicts[judge].message
    if case == "missing":  # a missing folder fails every backup check with the same reason, not an error
        assert all(v.message == verdicts["fresh"].message for v in verdicts.values())


def test_a_gpg_named_file_that_is_not_openpgp_fails(lab, tmp_path):
    (tmp_path / "db.tar.gz.gpg").write_bytes(b"PK\x03\x04 this is a zip, renamed")
    entry = build(BackupEntry, name="fake", directory=str(tmp_path))
    verdict = backups.archive_readable(entry, backups.gather(entry, Access("local://"), 5.0))
    assert (
        verdict.message
        == "fake: newest backup db.tar.gz.gpg (OpenPGP data) is not readable: not OpenPGP data (first bytes 50 4b 03 04)"
    )
