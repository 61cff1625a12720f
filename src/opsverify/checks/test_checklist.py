"""Runbook: every manual checklist item is attested by a person, with evidence, and the attestation is current."""

from collections.abc import Callable

import pytest

from opsverify.inventory.checklist import ChecklistEntry
from opsverify.probes import checklist
from opsverify.probes.checklist import ChecklistFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("checklist", severity="critical")
def test_checklist_attested(
    target: ChecklistEntry, facts: ChecklistFacts, record_property: Callable[[str, object], None]
) -> None:
    for key, value in checklist.properties(target, facts).items():
        record_property(f"opsverify.{key}", value)
    expect(checklist.attested(target, facts))
