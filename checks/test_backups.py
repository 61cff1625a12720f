"""Runbook: `ls -lt /backups | head` shows last night's dump, it is not tiny, `tar -tzf` lists it, `sha256sum -c`
passes, and the old ones are pruned but enough are kept."""

import pytest

from opsverify.check import expect
from opsverify.probes import backups

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("backups", severity="critical")
def test_backup_fresh(target, facts):
    expect(backups.fresh(target, facts))


@pytest.mark.opsverify("backups", severity="critical", where=lambda t: t.verify_archive)
def test_backup_readable(target, facts):
    expect(backups.archive_readable(target, facts))


@pytest.mark.opsverify("backups", severity="critical", where=lambda t: t.checksum)
def test_backup_checksum(target, facts):
    expect(backups.checksum_matches(target, facts))


@pytest.mark.opsverify("backups", severity="warning", where=lambda t: t.min_count > 1 or t.retention is not None)
def test_backup_retention(target, facts):
    expect(backups.retention(target, facts))
