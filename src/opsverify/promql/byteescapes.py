"""Go string escapes that make bytes: ``"\\xff"`` and ``"\\377"`` are one byte each in PromQL (Go strconv.Unquote),
and ``"\\xc3\\xa9"`` is ``é``; promql-parser reads each escape as a code point (``ÿ``, ``Ã©``).

:func:`rewrite_byte_escapes` rewrites string literals before parsing: a run of byte escapes that is valid UTF-8
becomes its characters; each invalid byte becomes a marker character (U+10FF80..U+10FFFF, private use) that
:func:`has_invalid_utf8` recognises, so ``label_replace(x, "\\xff", ...)`` is refused as Prometheus refuses it.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"`[^`]*`|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_BYTE = re.compile(r"\\(?:x([89a-fA-F][0-9a-fA-F])|([23][0-7]{2}))")
_MARK = 0x10FF00


def rewrite_byte_escapes(expr: str) -> str:
    if "\\x" not in expr and not re.search(r"\\[23][0-7]{2}", expr):
        return expr
    return _TOKEN.sub(lambda m: _literal(m.group(0)), expr)


def _literal(token: str) -> str:
    if token[0] not in "\"'":
        return token  # raw string or comment: no escapes
    out: list[str] = []
    run = bytearray()
    i = 0
    while i < len(token):
        m = _BYTE.match(token, i)
        if m and _odd_backslashes_before(token, i):
            run.append(int(m.group(1), 16) if m.group(1) else int(m.group(2), 8))
            i = m.end()
            continue
        out.append(_decode(run))
        run.clear()
        out.append(token[i])
        i += 1
    return "".join(out) + _decode(run)


def _odd_backslashes_before(token: str, i: int) -> bool:
    """``\\\\x41`` is an escaped backslash then ``x41``: only an unescaped backslash starts an escape."""
    j = i
    while j > 0 and token[j - 1] == "\\":
        j -= 1
    return (i - j) % 2 == 0


def _decode(run: bytearray) -> str:
    text = bytes(run).decode("utf-8", "surrogateescape")
    return "".join(chr(_MARK + ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)


def has_invalid_utf8(text: str) -> bool:
    """Does ``text`` hold a byte that was not valid UTF-8 in the query (a marker from the rewrite)?"""
    return any(ord(c) >= _MARK + 0x80 for c in text)
