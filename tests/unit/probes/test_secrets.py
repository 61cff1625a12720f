"""Env-file parsing and the per-key judgement, without a target."""

from __future__ import annotations

import pytest

from opsverify import masking
from opsverify.inventory.secrets import SecretsEntry
from opsverify.probes import secrets
from opsverify.probes.secrets import SecretsFacts


def test_parse_env_like_compose():
    text = "# c\nexport A=1\nB='two words'\nC=\"q\"\nD=plain # note\nE=\nnot a line\n"
    assert secrets.parse_env(text) == {"A": "1", "B": "two words", "C": "q", "D": "plain", "E": ""}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("changeme", "is a placeholder or known default"),
        ("ADMIN", "is a placeholder or known default"),
        ("xxxxxx", "is a placeholder or known default"),
        ("<your token>", "is a placeholder or known default"),
        ("your-api-token", "is a placeholder or known default"),
        ("", "is empty"),
        ("from-example-1", "still has its value from .env.example"),
        ("s3cure-Value-91", None),
    ],
)
def test_problem_never_quotes_the_value(value, problem):
    entry = SecretsEntry(name="e", env_file="/x/.env", required=["API_TOKEN"])
    facts = SecretsFacts("/x/.env", values={"API_TOKEN": value}, example={"API_TOKEN": "from-example-1"})
    facts.example_source = ".env.example"
    found = secrets.problem(entry, facts, "API_TOKEN")
    assert found == (None if problem is None else f"API_TOKEN {problem}")
    assert value == "" or found is None or value not in found


def test_values_read_are_registered_for_masking():
    entry = SecretsEntry(name="e", container="c", required=["DATABASE_URL"])
    secrets.register_values(
        entry, {"DATABASE_URL": "postgres://u:pw-123456@db/app", "SMTP_PASSWORD": "m4il-pass", "PORT": "8080"}
    )
    assert masking.mask("postgres://u:pw-123456@db/app m4il-pass 8080") == "*** *** 8080"


def test_min_length():
    entry = SecretsEntry(name="e", env_file="/x", required=["K"], min_length=12)
    assert (
        secrets.problem(entry, SecretsFacts("/x", values={"K": "short-one"}), "K") == "K is shorter than 12 characters"
    )
