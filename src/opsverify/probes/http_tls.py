"""TLS certificates as a probe sees them: the peer certificate's expiry, read from the DER bytes.

The DER is parsed with ``cryptography`` (the one place that library is touched) so that expiry can be read even
when ``verify_tls: false`` (``ssl.SSLObject.getpeercert()`` returns nothing for unverified peers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CertInfo:
    subject: str
    not_after: dt.datetime  # UTC

    def days_left(self, now: dt.datetime | None = None) -> float:
        now = now or dt.datetime.now(dt.UTC)
        return (self.not_after - now).total_seconds() / 86400


def from_der(der: bytes) -> CertInfo | None:
    """The certificate's subject and notAfter; None when the bytes are not a certificate."""
    try:
        from cryptography import x509

        cert = x509.load_der_x509_certificate(der)
        return CertInfo(subject=cert.subject.rfc4514_string(), not_after=cert.not_valid_after_utc)
    except (ImportError, ValueError):
        return None


def from_stream(network_stream: Any) -> CertInfo | None:
    """The peer certificate of an httpcore network stream (``response.extensions["network_stream"]``)."""
    if network_stream is None:
        return None
    try:
        ssl_object = network_stream.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(True) if ssl_object is not None else None  # low-level: positional only
    except (AttributeError, TypeError, ValueError, OSError):  # not a TLS stream we know how to read
        return None
    return from_der(der) if isinstance(der, bytes) and der else None
