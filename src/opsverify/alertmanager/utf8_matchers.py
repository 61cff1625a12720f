"""Alertmanager's UTF-8 matchers parser (matcher/parse): ``{"service name"="api", env=~"prod|stage",}``.

Names and values are either unquoted runs of non-reserved characters or double-quoted Go strings; an open brace
needs its close brace; a trailing comma is allowed. Returns ``(name, op, value)`` triples; errors are ValueError.
"""

from __future__ import annotations

from ..rules.template.parser import unquote

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
    return unquote(raw) if kind == "quoted" else raw


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
