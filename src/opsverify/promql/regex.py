"""Go RE2 syntax -> Python ``re``: inline flags scoped to their group, POSIX classes, ``\\z``."""

from __future__ import annotations

import re

from opsverify.promql.values import PromQLError

_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r" \t\n\r\f\v",
    "punct": r"!-/:-@\[-`{-~",
    "xdigit": "0-9A-Fa-f",
    "word": r"\w",
    "blank": r" \t",
    "cntrl": r"\x00-\x1f\x7f",
    "print": r" -~",
    "graph": r"!-~",
}
_FLAGS = re.compile(r"\(\?([imsU-]+)\)")


def _char_class(p: str, i: int) -> int:
    """Index just past the character class starting at p[i] == '['."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        if p[j] == "\\":
            j += 1
        elif p.startswith("[:", j):
            end = p.find(":]", j + 2)
            j = end + 1 if end != -1 else j
        j += 1
    return j + 1


def _scoped_flags(p: str) -> str:
    out: list[str] = []
    stack: list[int] = [0]
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            out.append(p[i : i + 2])
            i += 2
            continue
        if c == "[":
            j = _char_class(p, i)
            out.append(p[i:j])
            i = j
            continue
        m = _FLAGS.match(p, i)
        if m:
            if "U" in m.group(1):
                raise PromQLError("the ungreedy flag (?U) is not supported")
            out.append(f"(?{m.group(1)}:")
            stack[-1] += 1
            i = m.end()
            continue
        if c == "(":
            stack.append(0)
        elif c == ")" and len(stack) > 1:
            out.append(")" * stack.pop())
        out.append(c)
        i += 1
    out.append(")" * stack[0])
    return "".join(out)


def go_regex(pattern: str) -> str:
    text = re.sub(r"\[:(\^?)(\w+):\]", lambda m: _posix(m.group(1), m.group(2)), pattern)
    text = text.replace(r"\z", r"\Z")
    return _scoped_flags(text)


def _posix(neg: str, name: str) -> str:
    body = _POSIX.get(name)
    if body is None:
        raise PromQLError(f"invalid character class [:{name}:]")
    if neg:
        raise PromQLError(f"negated character class [:^{name}:] is not supported")
    return body
