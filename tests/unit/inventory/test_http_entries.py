"""HTTP entries: URLs are validated at load, once per scheme://authority, and every fault is still found."""

import pytest

from opsverify.inventory.http import check_url


def test_urls_are_validated_once_per_authority_and_every_fault_still_found() -> None:
    check_url("http://127.0.0.1:8080/health")
    check_url("http://127.0.0.1:8080/other?x=1#top")  # same authority: validated from the cache
    with pytest.raises(ValueError, match=r"bad url 'http://127.0.0.1:8080/a\\x01b'.*non-printable"):
        check_url("http://127.0.0.1:8080/a\x01b")  # the rest is still checked, with httpx's own words
    with pytest.raises(ValueError, match=r"bad url 'http://127.0.0.1:99999/x': Port out of range"):
        check_url("http://127.0.0.1:99999/x")
    with pytest.raises(ValueError, match=r"bad url 'http://127.0.0.1:abc\?q=1'"):
        check_url("http://127.0.0.1:abc?q=1")
    check_url("http://127.0.0.1:8080/health")  # a fault elsewhere left the good authority good
