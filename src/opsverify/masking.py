"""Secret masking: every message, report and log line passes through :func:`mask` before anyone sees it.

Two ways, both in every :func:`mask`:

- **known secrets**: values registered when the inventory is loaded (variables whose names look secret, values the
  inventory marks secret) and by probes that read secret material (env files, container environments), masked in
  every spelling a report can hold: raw, JSON-, HTML- and URL-escaped, and base64 (at any alignment, so a password
  inside an echoed ``Authorization: Basic`` header is caught too);
- **by structure**, whatever the names or values: ``password=...`` / ``TOKEN: ...`` assignments and JSON keys with
  secret-looking names, URL userinfo (``postgres://app:SECRET@db``), ``Authorization`` credentials and Basic/Bearer
  tokens, and PEM private-key blocks. A value found this way is registered too, so it is masked wherever else it
  appears. An empty value stays empty: the masker never reaches past the end of a line.
"""

from __future__ import annotations

import base64
import binascii
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
MIN_ENCODED = 8  # base64 fragments shorter than this could match ordinary words
MAX_LEARNT = 1000  # secrets learnt from target output; beyond, compiling the matcher would cost seconds
# Publicly known defaults are no secret to keep (the secrets checks flag them), and masking "admin" everywhere
# would garble every message and test id that mentions an admin.
PUBLIC_DEFAULTS = frozenset(
    ["admin", "password", "changeme", "change-me", "change_me", "example", "secret", "default", "guest", "root", "test"]
)


def looks_secret(name: str) -> bool:
    """True for names like ``API_TOKEN``, ``POSTGRES_PASSWORD``, ``SECRET_KEY``, ``telegram_bot_token``."""
    return bool(SECRET_NAME.search(name))


class Masker:
    """Known secrets, matched in every spelling by one regex, compiled when first needed after a change."""

    def __init__(self) -> None:
        self._secrets: dict[str, set[str]] = {}  # secret -> its spellings
        self._learnt = 0  # secrets found by structure in target output (bounded, see MAX_LEARNT)
        self._pattern: re.Pattern[str] | None = None
        self._dirty = False
        self._lock = threading.Lock()

    def add(self, value: str | None, *, learnt: bool = False) -> None:
        """Register a secret. ``learnt``: found by structure in target output; those stop being registered after
        MAX_LEARNT (they are still masked where their structure shows them)."""
        if value is None or len(value.strip()) < MIN_LENGTH or value.strip().lower() in PUBLIC_DEFAULTS:
            return
        with self._lock:
            if value in self._secrets or (learnt and self._learnt >= MAX_LEARNT):
                return
            self._secrets[value] = spellings(value)
            self._learnt += learnt
            self._dirty = True

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._dirty:
                variants = {v for forms in self._secrets.values() for v in forms}
                ordered = sorted(variants, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None
                self._dirty = False
            return self._pattern

    def mask(self, text: str) -> str:
        """Known secrets in every spelling, then secrets by structure."""
        if not text:
            return text
        pattern = self._compiled()
        text = pattern.sub(MASK, text) if pattern else text
        return _structural(text, self)

    def learn(self, text: str) -> None:
        """Register the secrets ``text`` shows by structure, without masking it (cheap: nothing is compiled)."""
        if text:
            _structural(text, self)

    def mask_document(self, text: str) -> str:
        """Mask a whole written report (HTML, XML, JSON): the same as :meth:`mask`."""
        return self.mask(text)

    def clear(self) -> None:
        with self._lock:
            self._secrets.clear()
            self._learnt = 0
            self._pattern = None
            self._dirty = False

    def known(self) -> list[str]:
        """Every registered secret (to hand to another process of the same run, never to print)."""
        with self._lock:
            return list(self._secrets)

    def __len__(self) -> int:
        return len(self._secrets)


def spellings(secret: str) -> set[str]:
    """Every form of ``secret`` a report may hold: raw, JSON-, HTML-, URL-escaped (and combinations), base64."""
    as_json = json.dumps(secret)[1:-1]
    forms = {secret, as_json, json.dumps(as_json)[1:-1]}
    forms |= {html.escape(f, quote=q) for f in list(forms) for q in (True, False)}
    forms |= {urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret), urllib.parse.quote(secret)}
    forms |= _base64_cores(secret.encode())
    return {f for f in forms if len(f) >= MIN_LENGTH}


def _base64_cores(data: bytes) -> set[str]:
    """The base64 characters that depend on ``data`` alone, at each of the three alignments it can have inside a
    longer encoded text (standard and URL-safe alphabets)."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode().rstrip("=")
        first, last = -(-8 * shift // 6), (8 * (shift + len(data))) // 6
        core = encoded[first:last]
        if len(core) >= MIN_ENCODED:
            cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


MASKER = Masker()


def mask(text: str) -> str:
    return MASKER.mask(text)


def scrub(text: str) -> str:
    """Text read from a target (log lines, command output): :func:`mask` (which also registers what it finds by
    structure, so the value is masked wherever else it appears)."""
    return mask(text)


# --- by structure ---

_NAME = (
    r"[A-Za-z0-9_.-]*(?:TOKEN|PASSW(?:OR)?D|PASSPHRASE|PWD|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?"
    r"|SESSION(?:_?ID)?|COOKIE)[A-Za-z0-9_.-]*"
)
_ASSIGNMENT = re.compile(
    rf"""(?ix)
    (?<![A-Za-z0-9_.-])(?P<name>{_NAME})
    (?P<sep>(?:\\?["']|&quot;|&\#x27;|&\#39;)?[ \t]*(?:=|:(?!:))[ \t]*)  # not `::` (a test id, a scope)
    (?:
        \\"(?P<v1>[^\n]*?)\\"
      | &quot;(?P<v2>[^\n]*?)&quot;
      | "(?P<v3>(?:[^"\\\n]|\\.)*)"
      | '(?P<v4>[^'\n]*)'
      | (?![A-Za-z_][A-Za-z0-9_]*=)(?P<v5>[^\s"',;&<>\\]+)
    )
    """
)
_USERINFO = re.compile(r"(?<=://)(?P<user>[^/@\s:\"'<>]*):(?P<password>[^/@\s\"'<>]+)@")
_AUTH_HEADER = re.compile(
    r"""(?ix)
    (?<![A-Za-z0-9_-])(?:proxy-)?authorization(?:\\?["']|&quot;)?[ \t]*[:=][ \t]*(?:\\?["']|&quot;)?
    (?:(?P<scheme>basic|bearer|token|digest|negotiate|apikey)[ \t]+)?
    (?P<credential>[^\s"',;&<>\\]+)
    """
)
_BASIC = re.compile(r"(?i)(?<![A-Za-z0-9])basic[ \t]+(?P<credential>[A-Za-z0-9+/]{6,}={0,2})")
_BEARER = re.compile(r"(?i)(?<![A-Za-z0-9])bearer[ \t]+(?P<credential>[A-Za-z0-9._~+/-]{16,}=*)")
_PEM = re.compile(
    r"(?P<begin>-----BEGIN (?P<label>[A-Z0-9 ]+)-----)(?P<body>.*?)(?P<end>-----END (?P=label)-----|\Z)", re.S
)
_PUBLIC_PEM = ("CERTIFICATE", "PUBLIC KEY", "CERTIFICATE REQUEST", "X509 CRL", "NEW CERTIFICATE REQUEST")


# Every structural pattern above needs one of these in the text (its keyword, or `://…@` for URL credentials):
# text without any of them is left alone without running the six patterns (most report lines: a cheap search).
_MAYBE_STRUCTURAL = re.compile(
    r"(?i)-----BEGIN |://[^/\s]*@|authorization|basic|bearer|token|passw|pwd|secret|api_?key|access_?key"
    r"|private_?key|passphrase|credential|session|cookie"
)


def _structural(text: str, masker: Masker) -> str:
    if _MAYBE_STRUCTURAL.search(text) is None:
        return text
    text = _PEM.sub(_pem, text)
    text = _USERINFO.sub(lambda m: _userinfo(m, masker), text)
    text = _AUTH_HEADER.sub(lambda m: _authorization(m, masker), text)
    text = _BASIC.sub(lambda m: _basic(m, masker), text)
    text = _BEARER.sub(lambda m: _replace(m, "credential", masker), text)
    return _ASSIGNMENT.sub(lambda m: _assignment(m, masker), text)


def _replace(match: re.Match[str], group: str, masker: Masker) -> str:
    value = match.group(group)
    if not value or value == MASK:
        return match.group(0)
    masker.add(value, learnt=True)
    start, end = match.span(group)
    base = match.start()
    whole = match.group(0)
    return whole[: start - base] + MASK + whole[end - base :]


def _assignment(match: re.Match[str], masker: Masker) -> str:
    group = next(g for g in ("v1", "v2", "v3", "v4", "v5") if match.group(g) is not None)
    return _replace(match, group, masker)


def _userinfo(match: re.Match[str], masker: Masker) -> str:
    user, password = match.group("user"), match.group("password")
    if password == MASK:
        return match.group(0)
    register_credentials(user, password, masker, learnt=True)
    return f"{user}:{MASK}@"


def _authorization(match: re.Match[str], masker: Masker) -> str:
    if (match.group("scheme") or "").lower() == "basic":
        _learn_basic(match.group("credential"), masker)
    return _replace(match, "credential", masker)


def _learn_basic(credential: str, masker: Masker) -> bool:
    """Register the password inside a Basic credential; False when it is not base64 of ``user:password``."""
    try:
        decoded = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, colon, password = decoded.partition(":")
    if colon:
        register_credentials(user, password, masker, learnt=True)
    return bool(colon)


def _basic(match: re.Match[str], masker: Masker) -> str:
    if not _learn_basic(match.group("credential"), masker):
        return match.group(0)
    return _replace(match, "credential", masker)


def _pem(match: re.Match[str]) -> str:
    if match.group("label").strip() in _PUBLIC_PEM:
        return match.group(0)
    return f"{match.group('begin')}{MASK}{match.group('end')}"


def register_credentials(user: str, password: str, masker: Masker | None = None, *, learnt: bool = False) -> None:
    """A user's password, also as it travels in a ``Basic`` header (base64 of ``user:password``)."""
    masker = masker or MASKER
    for secret in {password, urllib.parse.unquote(password)}:
        masker.add(secret, learnt=learnt)
        if len(secret) >= MIN_LENGTH and secret.lower() not in PUBLIC_DEFAULTS:
            masker.add(base64.b64encode(f"{urllib.parse.unquote(user)}:{secret}".encode()).decode(), learnt=learnt)


def register_url(url: str) -> None:
    """Register the password of ``scheme://user:password@host`` and secret-looking query values."""
    for match in _USERINFO.finditer(url):
        register_credentials(match.group("user"), match.group("password"))
    query = urllib.parse.urlsplit(url).query if "?" in url else ""
    for name, value in urllib.parse.parse_qsl(query):
        if looks_secret(name):
            MASKER.add(value)


def redact_userinfo(text: str) -> str:
    """``https://user:pw@host`` -> ``https://user:***@host`` (for values nobody registered, e.g. CI metadata)."""
    return re.sub(r"(?<=://)([^/@\s:]*):[^/@\s]+@", r"\1:***@", text)
