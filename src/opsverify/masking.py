"""Secret masking: every message, report and log line passes through :func:`mask` before anyone sees it.

Secrets are registered when the inventory is loaded (values of variables whose names look secret, values the
inventory marks secret) and by probes that read secret material (env files, container environments).
"""

from __future__ import annotations

import html
import json
import re
import threading
import urllib.parse

MASK = "***"
SECRET_NAME = re.compile(
    r"(?i)(TOKEN|PASSW(OR)?D|PASS$|SECRET|(^|[-_])KEY($|[-_])|API[-_]?KEY|CREDENTIAL|PRIVATE|AUTH)"
)
MIN_LENGTH = 4  # shorter values would garble every message; such values fail the secret-strength checks anyway
# Publicly known defaults are no secret to keep (the secrets checks flag them), and masking "admin" everywhere
# would garble every message and test id that mentions an admin.
PUBLIC_DEFAULTS = frozenset(
    ["admin", "password", "changeme", "change-me", "change_me", "example", "secret", "default", "guest", "root", "test"]
)


def looks_secret(name: str) -> bool:
    """True for names like ``API_TOKEN``, ``POSTGRES_PASSWORD``, ``SECRET_KEY``, ``telegram_bot_token``."""
    return bool(SECRET_NAME.search(name))


class Masker:
    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if value is None or len(value.strip()) < MIN_LENGTH or value.strip().lower() in PUBLIC_DEFAULTS:
            return
        with self._lock:
            if value not in self._secrets:
                self._secrets.add(value)
                ordered = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def mask(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern and text else text

    def mask_document(self, text: str) -> str:
        """Mask a whole written report: each secret also in its HTML- and JSON-escaped spellings."""
        pattern = self._pattern
        if not pattern or not text:
            return text
        variants = {v for s in list(self._secrets) for v in _spellings(s) if len(v) >= MIN_LENGTH}
        for variant in sorted(variants, key=len, reverse=True):
            text = text.replace(variant, MASK)
        return text

    def clear(self) -> None:
        with self._lock:
            self._secrets.clear()
            self._pattern = None

    def __len__(self) -> int:
        return len(self._secrets)

    def known(self) -> list[str]:
        """Every registered secret (to hand to another process of the same run, never to print)."""
        with self._lock:
            return list(self._secrets)


def _spellings(secret: str) -> list[str]:
    as_json = json.dumps(secret)[1:-1]
    escaped = [
        html.escape(secret),
        html.escape(secret, quote=False),
        html.escape(as_json),
        html.escape(as_json, quote=False),
    ]
    return [secret, as_json, json.dumps(as_json)[1:-1], *escaped]


_USERINFO = re.compile(r"(?<=://)[^/@\s:]*:([^/@\s]+)@")


def register_url(url: str) -> None:
    """Register the password of ``scheme://user:password@host`` and secret-looking query values."""
    for match in _USERINFO.finditer(url):
        MASKER.add(urllib.parse.unquote(match.group(1)))
        MASKER.add(match.group(1))
    query = urllib.parse.urlsplit(url).query if "?" in url else ""
    for name, value in urllib.parse.parse_qsl(query):
        if looks_secret(name):
            MASKER.add(value)


def redact_userinfo(text: str) -> str:
    """``https://user:pw@host`` -> ``https://user:***@host`` (for values nobody registered, e.g. CI metadata)."""
    return re.sub(r"(?<=://)([^/@\s:]*):[^/@\s]+@", r"\1:***@", text)


MASKER = Masker()


def mask(text: str) -> str:
    return MASKER.mask(text)


_ASSIGNMENT = re.compile(
    r"""(?ix)
    \b(?P<name>[A-Z0-9_.-]*(?:TOKEN|PASSW(?:OR)?D|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL)[A-Z0-9_.-]*)
    (?P<sep>\s*[=:]\s*["']?)
    (?P<value>[^\s"',;&]+)
    """
)


def scrub(text: str) -> str:
    """Mask ``password=...``/``TOKEN: ...`` values in text read from targets (log lines), registering each value
    so that it is masked wherever else it appears; then apply :func:`mask`."""
    for match in _ASSIGNMENT.finditer(text):
        if match.group("value") != MASK:
            MASKER.add(match.group("value"))
    return mask(text)
