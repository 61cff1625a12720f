"""TLS expiry, headers and redirects against a real local HTTPS server (127.0.0.1, certificate made here)."""

from __future__ import annotations

import pytest

from opsverify.inventory.http import HttpEntry, HttpExpect
from opsverify.probes import http, http_judges

from .tlsserver import make_cert, serve


def check(url: str, path: str = "/", verify: bool = False, **expect: object):
    entry = HttpEntry(name="tls", url=url + path, verify_tls=verify, expect=HttpExpect(**expect))  # type: ignore[arg-type]
    return entry, http.gather(entry, 5.0, 100_000)


@pytest.mark.parametrize(("days", "ok"), [(90, True), (5, False)])
def test_cert_days_left(tmp_path, days, ok):
    with serve(*make_cert(tmp_path, days)) as url:
        entry, facts = check(url, cert_days=30)
    verdict = http_judges.cert_expiry(entry, facts)
    assert verdict.ok is ok, verdict.message
    assert facts.cert is not None and facts.cert.subject == "CN=opsverify-test"
    if not ok:
        assert (
            "TLS certificate expires in 5.0 days" in verdict.message and "expected >= 30 days left" in verdict.message
        )


def test_verified_with_own_ca(tmp_path):
    cert, key = make_cert(tmp_path, 400)
    with serve(cert, key) as url:
        entry = HttpEntry(name="tls", url=url + "/", expect=HttpExpect(cert_days=30))
        unverified_ca = http.gather(entry, 5.0, 1000)
    assert "CERTIFICATE_VERIFY_FAILED" in (unverified_ca.error or "")
    assert http_judges.cert_expiry(entry, unverified_ca).message.startswith("tls: GET https://127.0.0.1:")


def test_headers_and_redirect_over_tls(tmp_path):
    with serve(*make_cert(tmp_path, 90)) as url:
        entry, facts = check(url, headers={"Strict-Transport-Security": r"max-age=\d{7,}"})
        r_entry, r_facts = check(url, "/old", redirect="^/new$")
    assert http_judges.headers(entry, facts).ok
    assert http_judges.redirect(r_entry, r_facts).message == 'tls: redirects (301) to "/new"'
