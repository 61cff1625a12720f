"""Alertmanager's UTF-8 matchers parser (matcher/parse): ``{"service name"="api", env=~"prod|stage",}``.

Names and values are either unquoted runs of non-reserved characters or double-quoted Go strings; an open brace
needs its close brace; a trailing comma is allowed. Returns ``(name, op, value)`` triples; errors are ValueError.
"""

from __future__ import annotations

import re

_RESERVED = set("{}!=~,\\\"'`")


def _reserved(ch: str) -> bool:
    return ch.isspace() or ch in _RESERVED


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) with kinds ``{ } , op quoted unquoted``."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "{},":
            out.append((ch, ch))
            i += 1
        elif ch in "=!":
            op = text[i : i + 2] if text[i : i + 2] in ("=~", "!=", "!~") else ch
            if op == "!":
                raise ValueError(f"{i}:{i + 1}: {ch}: expected one of '=~'")
            out.append(("op", op))
            i += len(op)
        elif ch == '"':
            end = _quoted_end(text, i)
            out.append(("quoted", text[i:end]))
            i = end
        elif ch.isspace():
            i += 1
        elif not _reserved(ch):
            start = i
            while i < len(text) and not _reserved(text[i]):
                i += 1
            out.append(("unquoted", text[start:i]))
        else:
            raise ValueError(f"{i}:{i + 1}: {ch}: invalid input")
    return out


def _quoted_end(text: str, start: int) -> int:
    i, escaped = start + 1, False
    while i < len(text):
        ch = text[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            return i + 1
        i += 1
    raise ValueError(f'{start}:{len(text)}: {text[start:]}: missing end "')


def _text(kind: str, raw: str) -> str:
    return go_unquote(raw) if kind == "quoted" else raw


_ESCAPE = re.compile(
    r'\\(?:([abfnrtv\\"])|x([0-9a-fA-F]{2})|([0-7]{3})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.?))', re.S
)
_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34}


def go_unquote(raw: str) -> str:
    """strconv.Unquote of a double-quoted Go string: byte escapes must form valid UTF-8; unknown escapes are errors."""
    out = bytearray()
    pos, body = 0, raw[1:-1]
    for m in _ESCAPE.finditer(body):
        out += body[pos : m.start()].encode()
        simple, hex2, octal, u4, u8, bad = m.groups()
        if bad is not None:
            raise ValueError(f"{raw}: invalid input")
        if simple:
            out.append(_SIMPLE[simple])
        elif hex2 or octal:
            value = int(hex2, 16) if hex2 else int(octal, 8)
            if value > 255:
                raise ValueError(f"{raw}: invalid input")
            out.append(value)
        else:
            code = int(u4 or u8, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise ValueError(f"{raw}: invalid input")
            out += chr(code).encode()
        pos = m.end()
    out += body[pos:].encode()
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{raw}: invalid input") from None


def parse_utf8(text: str) -> list[tuple[str, str, str]]:
    toks = _tokens(text)
    braced = bool(toks) and toks[0][0] == "{"
    if braced:
        if toks[-1][0] != "}":
            raise ValueError("expected close brace")
        toks = toks[1:-1]
    elif toks and toks[-1][0] == "}":
        raise ValueError("}: expected opening brace")
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(toks):
        if len(toks) - i < 3:
            raise ValueError("unexpected end of input, expected a matcher")
        (nk, name), (ok, op), (vk, value) = toks[i : i + 3]
        if nk not in ("quoted", "unquoted") or ok != "op" or vk not in ("quoted", "unquoted"):
            raise ValueError(f"{name}{op}{value}: expected label name, operator and value")
        if not _text(nk, name):
            raise ValueError(f"{name}: invalid input: empty label name")
        out.append((_text(nk, name), op, _text(vk, value)))
        i += 3
        if i < len(toks):
            if toks[i][0] != ",":
                raise ValueError(f"{toks[i][1]}: expected a comma or close brace")
            i += 1
    return out
