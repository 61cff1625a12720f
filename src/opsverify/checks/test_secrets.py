"""Runbook: `.env` has every key set, none left at `changeme`/`admin` or its `.env.example` value."""

import pytest

from opsverify.inventory.secrets import SecretsEntry
from opsverify.probes import secrets
from opsverify.probes.secrets import SecretsFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("secrets", severity="critical")
def test_secrets_set(target: SecretsEntry, facts: SecretsFacts) -> None:
    expect(secrets.required_set(target, facts))
