"""Runbook: `ls -lt /backups | head` shows last night's dump, it is not tiny, `tar -tzf` lists it, `sha256sum -c`
passes, and the old ones are pruned but enough are kept."""

import pytest

from opsverify.inventory.backups import BackupEntry
from opsverify.probes import backups
from opsverify.probes.backups import BackupFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("backups", severity="critical")
def test_backup_fresh(target: BackupEntry, facts: BackupFacts) -> None:
    expect(backups.fresh(target, facts))


@pytest.mark.opsverify("backups", severity="critical", where=lambda t: t.verify_archive)
def test_backup_readable(target: BackupEntry, facts: BackupFacts) -> None:
    expect(backups.archive_readable(target, facts))


@pytest.mark.opsverify("backups", severity="critical", where=lambda t: t.checksum)
def test_backup_checksum(target: BackupEntry, facts: BackupFacts) -> None:
    expect(backups.checksum_matches(target, facts))


@pytest.mark.opsverify("backups", severity="warning", where=lambda t: t.min_count > 1 or t.retention is not None)
def test_backup_retention(target: BackupEntry, facts: BackupFacts) -> None:
    expect(backups.retention(target, facts))


@pytest.mark.opsverify("backups", severity="critical", where=lambda t: bool(t.contains))
def test_backup_contains(target: BackupEntry, facts: BackupFacts) -> None:
    expect(backups.archive_contains(target, facts))
