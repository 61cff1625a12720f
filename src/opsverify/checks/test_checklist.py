"""Runbook: every manual checklist item is attested by a person, with evidence, and the attestation is current."""

import pytest

from opsverify.inventory.checklist import ChecklistEntry
from opsverify.probes import checklist
from opsverify.probes.checklist import ChecklistFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("checklist", severity="critical")
def test_checklist_attested(target: ChecklistEntry, facts: ChecklistFacts, request: pytest.FixtureRequest) -> None:
    # who attested what and until when, for the readiness report (user properties, not the record_property
    # fixture, which warns under pytest's default junit_family xunit2)
    for key, value in checklist.properties(target, facts).items():
        request.node.user_properties.append((f"opsverify.{key}", value))
    expect(checklist.attested(target, facts))
