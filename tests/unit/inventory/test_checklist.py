"""Checklist items and attestations: the inventory section, `opsverify attest`, the check, and the report."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml

from opsverify import cli
from opsverify.inventory import load_inventory
from opsverify.inventory.checklist import attestations_path, load_attestations
from opsverify.kinds import Context
from opsverify.probes import checklist

INVENTORY = """\
version: 1
name: shop
checklist:
  - name: restore-drill
    description: a full restore from last night's backup was rehearsed
    valid_for: 90d
  - name: oncall-rotation
    description: the on-call rotation for the launch week is defined
    severity: warning
    valid_for: 30d
    attested_by: bob
    attested_on: 2020-01-01
    evidence: https://wiki.example/oncall
"""

TODAY = datetime.date.today()


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "inventory.yml"
    path.write_text(INVENTORY)
    return path


def _verdicts(path):
    inv = load_inventory(path)
    ctx = Context(inv)
    return {e.name: checklist.attested(e, checklist.gather(e, ctx)) for e in inv.checklist}


def test_the_section_parses(inventory):
    inv = load_inventory(inventory)
    drill, oncall = inv.checklist
    assert drill.valid_for == 90 * 86400 and drill.severity is None
    assert oncall.attested_on == datetime.date(2020, 1, 1) and oncall.severity == "warning"


def test_missing_and_expired_attestations_fail_saying_what_to_do(inventory):
    verdicts = _verdicts(inventory)
    assert not verdicts["restore-drill"]
    assert verdicts["restore-drill"].message == (
        "restore-drill: no attestation recorded; once done, run: opsverify attest restore-drill --by WHO --evidence URL"
    )
    assert not verdicts["oncall-rotation"]
    assert verdicts["oncall-rotation"].message.startswith(
        "oncall-rotation: attestation expired on 2020-01-31 (attested by bob on 2020-01-01, evidence "
        "https://wiki.example/oncall)"
    )


def test_attest_records_a_reviewable_file_and_the_check_passes(inventory, capsys):
    code = cli.main(
        [
            "attest",
            "restore-drill",
            "--by",
            "alice",
            "--evidence",
            "https://wiki.example/drill-12",
            "-i",
            str(inventory),
        ]
    )
    assert code == 0
    until = (TODAY + datetime.timedelta(days=90)).isoformat()
    path = attestations_path(inventory)
    assert path.name == "inventory.attestations.yml" and path.parent == inventory.parent
    assert capsys.readouterr().out.strip() == (
        f"{path}: restore-drill attested by alice on {TODAY.isoformat()}, valid until {until}; commit this file"
    )
    text = path.read_text()
    assert text.startswith("# Attestations of the inventory's checklist items")
    assert yaml.safe_load(text) == {
        "attestations": [
            {"name": "restore-drill", "by": "alice", "date": TODAY, "evidence": "https://wiki.example/drill-12"}
        ]
    }
    verdict = _verdicts(inventory)["restore-drill"]
    assert verdict and verdict.message == (
        f"restore-drill: attested by alice on {TODAY.isoformat()}, evidence https://wiki.example/drill-12; "
        f"valid until {until} (90 days left)"
    )


def test_a_newer_attestation_replaces_an_expired_one(inventory):
    assert (
        cli.main(
            ["attest", "oncall-rotation", "--by", "carol", "--evidence", "https://x.example/r", "-i", str(inventory)]
        )
        == 0
    )
    assert _verdicts(inventory)["oncall-rotation"]
    cli.main(
        [
            "attest",
            "oncall-rotation",
            "--by",
            "dave",
            "--evidence",
            "https://x.example/r",
            "-i",
            str(inventory),
            "--on",
            "2021-05-01",
        ]
    )
    assert [a.by for a in load_attestations(attestations_path(inventory))] == ["carol", "dave"]
    assert _verdicts(inventory)["oncall-rotation"]  # the newest by date wins, not the last written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["attest", "nope", "--by", "a", "--evidence", "https://x"],
            "has no checklist item 'nope' (items: restore-drill, oncall-rotation)",
        ),
        (
            ["attest", "restore-drill", "--by", "a", "--evidence", "https://x", "--on", "yesterday"],
            "--on 'yesterday': expected a date",
        ),
        (
            ["attest", "restore-drill", "--by", "a", "--evidence", "missing.pdf"],
            "neither a URL nor a file beside the inventory",
        ),
    ],
)
def test_attest_usage_errors_exit_4(inventory, capsys, args, message):
    assert cli.main([*args, "-i", str(inventory)]) == 4
    assert message in capsys.readouterr().err
    assert not attestations_path(inventory).exists()


def test_evidence_may_be_a_file_beside_the_inventory(inventory):
    (inventory.parent / "drill.md").write_text("restore took 14 minutes\n")
    assert cli.main(["attest", "restore-drill", "--by", "a", "--evidence", "drill.md", "-i", str(inventory)]) == 0


def test_a_broken_attestation_file_is_a_file_line_error(inventory):
    attestations_path(inventory).write_text("attestations:\n  - name: restore-drill\n    date: 2026-01-01\n")
    from opsverify.errors import InventoryError

    with pytest.raises(
        InventoryError, match=r"inventory.attestations.yml:2: attestations\[0\]: missing required key 'by'"
    ):
        load_attestations(attestations_path(inventory))


def test_checklist_in_a_run_fails_and_shows_in_the_report(pytester, monkeypatch):
    monkeypatch.delenv("OPSVERIFY_HISTORY", raising=False)
    pytester.makefile(".yml", inventory=INVENTORY)
    pytester.makepyfile(test_cl="from opsverify.checks.test_checklist import test_checklist_attested  # noqa: F401\n")
    assert (
        cli.main(
            [
                "attest",
                "restore-drill",
                "--by",
                "alice",
                "--evidence",
                "https://w/d",
                "-i",
                str(pytester.path / "inventory.yml"),
            ]
        )
        == 0
    )
    result = pytester.runpytest(
        "--inventory", "inventory.yml", "--opsverify-no-suite", "-p", "no:cacheprovider", "--junitxml=reports/j.xml"
    )
    assert "warnings summary" not in result.stdout.str()  # no record_property warning under xunit2 (the default)
    assert result.ret == 1
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["oncall-rotation: attestation expired on 2020-01-31*"])
    data = json.loads((pytester.path / "reports" / "results.json").read_text())
    att = {a["name"]: a for a in data["attestations"]}
    assert att["restore-drill"]["state"] == "valid" and att["restore-drill"]["attested_by"] == "alice"
    assert att["restore-drill"]["days_left"] == 90 and att["restore-drill"]["evidence"] == "https://w/d"
    assert att["oncall-rotation"]["state"] == "expired" and att["oncall-rotation"]["expires"] == "2020-01-31"
    html = (pytester.path / "reports" / "readiness.html").read_text()
    assert 'data-attestation="oncall-rotation" data-state="expired"' in html
    assert "attested by alice on" in html and "90 days left" in html


def test_notify_with_nowhere_to_send_is_an_inventory_error(tmp_path):
    from opsverify.errors import InventoryError

    path = tmp_path / "inv.yml"
    path.write_text("version: 1\nnotify:\n  when: always\n  telegram:\n")
    with pytest.raises(InventoryError, match=r"inv.yml:3: notify: nowhere to send"):
        load_inventory(path)
    path.write_text("version: 1\nnotify:\n  telegram: {}\n")
    assert load_inventory(path).notify.telegram.api_url == "https://api.telegram.org"
