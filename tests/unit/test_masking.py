"""Masking by structure and in every encoding a report can hold (issue 13: secrets that still leaked)."""

from __future__ import annotations

import base64
import html
import json
import threading
import urllib.parse

import pytest

from opsverify import masking
from opsverify.masking import MASKER, mask


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("login failed: password=hunter22x user=bob", "login failed: password=*** user=bob"),
        ('{"user": "bob", "session_token": "st-9f8e7d6c"}', '{"user": "bob", "session_token": "***"}'),
        ('{"password":"with spaces inside"}', '{"password":"***"}'),
        ("DB_PASSWORD: 'quoted value'", "DB_PASSWORD: '***'"),
        ('{\\"api_key\\": \\"ak-escaped-1\\"}', '{\\"api_key\\": \\"***\\"}'),
        ("&quot;client_secret&quot;: &quot;cs-html-1&quot;", "&quot;client_secret&quot;: &quot;***&quot;"),
        ("DB_URL=postgres://app:S3cr3tPw@db:5432/app", "DB_URL=postgres://app:***@db:5432/app"),
        ("upstream https://deploy:gh-pat-77@git.example/x.git", "upstream https://deploy:***@git.example/x.git"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "Authorization: Bearer ***"),
        ("> authorization: Token tk-0123456789", "> authorization: Token ***"),
        ("proxy echoed Bearer abcdefghijklmnop0123", "proxy echoed Bearer ***"),
        ("SESSION_SECRET=\nPATH=/usr/bin", "SESSION_SECRET=\nPATH=/usr/bin"),
        ("SESSION_SECRET= \nHOME=/root", "SESSION_SECRET= \nHOME=/root"),
        ("SESSION_SECRET= HOME=/root PATH=/bin", "SESSION_SECRET= HOME=/root PATH=/bin"),  # lines flattened
        ("SESSION_SECRET=HOME=/root", "SESSION_SECRET=HOME=/root"),
        ("api_key = spaced-value-1", "api_key = ***"),
        ('{"token": ""}', '{"token": ""}'),
    ],
)
def test_secrets_are_masked_by_structure(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "test_grafana_default_admin_refused: changeme",
        "DB_PASSWORD is missing; API_TOKEN is empty",
        "Token expired, please log in again",
        "login as admin/admin refused (HTTP 401)",
        "GET http://127.0.0.1:9090/api/v1/targets: HTTP 200",
        "basic checks passed",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert mask(text) == text


def test_a_basic_header_is_masked_and_its_password_learnt():
    header = "Authorization: Basic " + base64.b64encode(b"ops:Basic-Pw-5521").decode()
    assert mask(f"request headers: {header}") == "request headers: Authorization: Basic ***"
    assert mask("the body said Basic-Pw-5521") == "the body said ***"


def test_basic_credentials_of_a_known_password_are_masked_anywhere():
    MASKER.add("kn0wn-pa55word")
    echoed = base64.b64encode(b"someone:kn0wn-pa55word").decode()  # a user nobody registered
    masked = mask(f'{{"echo": "{echoed}"}}')
    assert echoed not in masked and masking.MASK in masked
    left = masked.split('"')[3].replace(masking.MASK, "")
    assert b"pa55" not in base64.b64decode(left + "=" * (-len(left) % 4), validate=False)


def test_url_credentials_are_learnt_whatever_the_variable_name():
    assert mask("DB_URL=postgres://app:Url-Secret-31@db/app") == "DB_URL=postgres://app:***@db/app"
    assert mask("the driver retried with Url-Secret-31") == "the driver retried with ***"


def test_pem_private_keys_are_masked_and_certificates_kept():
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----"
    cert = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"
    assert mask(f"x {key} y") == "x -----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY----- y"
    assert mask(cert) == cert
    escaped = json.dumps(key)
    assert "MIIEpAIBAAKCAQEA" not in mask(escaped)
    assert "MIIEpAIBAAKCAQEA" not in mask("-----BEGIN PRIVATE KEY-----\nMIIEpAIBAAKCAQEA (truncated")


SECRET = 'Pl@nted "s3cret"/&<9>'


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("raw", lambda s: s),
        ("json", lambda s: json.dumps(s)[1:-1]),
        ("json in json", lambda s: json.dumps(json.dumps(s))[1:-1]),
        ("html", html.escape),
        ("html of json", lambda s: html.escape(json.dumps(s))),
        ("url", lambda s: urllib.parse.quote(s, safe="")),
        ("url (form)", urllib.parse.quote_plus),
        ("base64", lambda s: base64.b64encode(s.encode()).decode()),
        ("base64 inside", lambda s: base64.b64encode(b"user:" + s.encode()).decode()),
        ("base64 offset 2", lambda s: base64.b64encode(b"ab" + s.encode() + b"tail").decode()),
        ("urlsafe base64", lambda s: base64.urlsafe_b64encode(b"x" + s.encode()).decode()),
    ],
)
def test_a_known_secret_is_masked_in_every_encoding(encoding, encode):
    MASKER.add(SECRET)
    spelled = encode(SECRET)
    text = f"before {spelled} after"
    masked = mask(text)
    assert masking.MASK in masked, f"{encoding}: {masked}"
    for form in masking.spellings(SECRET):
        assert form not in masked, f"{encoding}: {form!r} left in {masked!r}"


def test_thousands_of_distinct_secrets_in_a_log_stay_fast_and_masked():
    from opsverify.inventory.logs import LogEntry
    from opsverify.probes import logs

    lines = [f"ERROR upstream refused token=many-{i:06d}-zz" for i in range(3000)]
    facts = logs.LogFacts("/x on local://")
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (logs.count_lines(LogEntry(name="l", path="/x"), facts, lines), done.set())
    )
    worker.daemon = True
    worker.start()
    assert done.wait(10), "masking 3,000 distinct learnt secrets did not end within 10 s"
    assert facts.last[-1] == "ERROR upstream refused token=***"
    assert mask("retry with many-000007-zz") == "retry with ***"


def test_test_ids_are_not_key_value_pairs() -> None:
    """`test_secrets.py::test_secrets_set[x]` names a module and a test: `::` is no assignment."""
    nodeid = "src/opsverify/checks/test_secrets.py::test_secrets_set[lab-app-env]"
    assert mask(nodeid) == nodeid
    assert mask("api_token: abcdef123") == "api_token: ***"


def test_the_prefilter_lets_through_every_text_a_structural_pattern_would_change() -> None:
    """Text the cheap prefilter passes over must be text none of the six patterns matches: fuzzed from the
    fragments the patterns look for, in every case, glued by the separators they care about."""
    import random

    fragments = [
        "password",
        "PassWd",
        "pwd",
        "passphrase",
        "TOKEN",
        "secret",
        "api_key",
        "ApiKey",
        "access-key",
        "private_key",
        "credentials",
        "session_id",
        "Cookie",
        "authorization",
        "Proxy-Authorization",
        "basic",
        "Bearer",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----END RSA PRIVATE KEY-----",
        "://",
        "@",
        "user:pw",
        "https://",
        "/",
        " ",
        "=",
        ": ",
        '"',
        "'",
        "&quot;",
        '\\"',
        "abcdefghijklmnopqrstuv",
        "c2VjcmV0OnB3",
        "ok",
        "health",
        "127.0.0.1:8080",
        "\n",
    ]
    patterns = [
        masking._PEM,
        masking._USERINFO,
        masking._AUTH_HEADER,
        masking._BASIC,
        masking._BEARER,
        masking._ASSIGNMENT,
    ]
    rng = random.Random(20261201)
    passed_over = 0
    for _ in range(20000):
        text = "".join(rng.choice(fragments) for _ in range(rng.randint(1, 8)))
        text = "".join(c.upper() if rng.random() < 0.2 else c for c in text)
        if masking._MAYBE_STRUCTURAL.search(text) is None:
            passed_over += 1
            assert not any(p.search(text) for p in patterns), text
    assert passed_over > 1000  # the fuzz also produced plenty of text the prefilter skips
