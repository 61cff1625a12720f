"""Secrets in the lab's real env files (locally and over ssh) and a real container's environment."""

from __future__ import annotations

from opsverify import masking
from opsverify.adapters.host import Access
from opsverify.inventory.secrets import SecretsEntry
from opsverify.probes import secrets

from .conftest import build

REQUIRED = ["APP_ENV", "DB_PASSWORD", "API_TOKEN", "ADMIN_USER"]


def test_a_good_env_file_passes_and_its_secrets_are_registered(lab, ssh_access):
    for access in (
        Access("local://"),
        Access(ssh_access["spec"], ssh_access["identity_file"], ssh_access["known_hosts"]),
    ):
        masking.MASKER.clear()
        entry = build(SecretsEntry, name="app-env", env_file=str(lab / "app" / ".env"), required=REQUIRED)
        verdict = secrets.required_set(entry, secrets.gather_file(entry, access, 5.0))
        assert verdict.ok, verdict.message
        assert masking.mask("db=Vq8-lab-db-3kz9 token=lab-api-token-7c2e41") == "db=*** token=***"


def test_defaults_placeholders_empties_and_missing_keys_fail_without_showing_values(lab):
    entry = build(
        SecretsEntry, name="app-env", env_file=str(lab / "app" / ".env.bad"), required=[*REQUIRED, "SECRET_KEY"]
    )
    verdict = secrets.required_set(entry, secrets.gather_file(entry, Access("local://"), 5.0))
    assert verdict.message == (
        f"app-env: 4 of 5 required keys in {lab}/app/.env.bad on local:// are not set properly: "
        "DB_PASSWORD is a placeholder or known default; API_TOKEN is a placeholder or known default; "
        "ADMIN_USER is empty; SECRET_KEY is missing; expected each set, non-empty and not a default"
    )


def test_a_value_copied_from_the_example_file_fails(lab, tmp_path):
    (tmp_path / ".env").write_text("SESSION_SECRET=ex4mple-s3ssion-value\n")
    (tmp_path / ".env.example").write_text("SESSION_SECRET=ex4mple-s3ssion-value\n")
    entry = build(SecretsEntry, name="s", env_file=str(tmp_path / ".env"), required=["SESSION_SECRET"])
    verdict = secrets.required_set(entry, secrets.gather_file(entry, Access("local://"), 5.0))
    assert "SESSION_SECRET still has its value from .env.example" in verdict.message
    assert "ex4mple" not in verdict.message


def test_a_container_environment_left_at_changeme_fails(lab):
    good = build(SecretsEntry, name="sloppy-env", container="lab-sloppy", required=["API_TOKEN", "APP_ENV"])
    assert secrets.required_set(good, secrets.gather_container(good, 5.0)).ok
    bad = build(SecretsEntry, name="sloppy-env", container="lab-sloppy", required=["ADMIN_PASSWORD", "SMTP_PASSWORD"])
    verdict = secrets.required_set(bad, secrets.gather_container(bad, 5.0))
    assert verdict.message == (
        "sloppy-env: 2 of 2 required keys in the environment of container lab-sloppy are not set properly: "
        "ADMIN_PASSWORD is a placeholder or known default; SMTP_PASSWORD is missing; "
        "expected each set, non-empty and not a default"
    )


def test_a_missing_env_file_fails_with_the_reason(lab):
    entry = build(SecretsEntry, name="s", env_file=str(lab / "app" / "nope.env"), required=["A"])
    verdict = secrets.required_set(entry, secrets.gather_file(entry, Access("local://"), 5.0))
    assert verdict.message == f"s: {lab}/app/nope.env does not exist, expected an env file"
