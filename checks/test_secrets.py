"""Runbook: `.env` has every key set, none left at `changeme`/`admin` or its `.env.example` value."""

import pytest

from opsverify.check import expect
from opsverify.probes import secrets

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("secrets", severity="critical")
def test_secrets_set(target, facts):
    expect(secrets.required_set(target, facts))
