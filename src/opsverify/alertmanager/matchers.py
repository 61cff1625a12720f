"""Label matchers as Alertmanager parses and applies them (pkg/labels, matcher/parse, matcher/compat).

``parse_matchers(text)`` follows Alertmanager's default "fallback" mode: the classic parser's answer when it accepts
the input (it also wins when both parsers accept but disagree), otherwise the UTF-8 parser's (quoted label names such
as ``"service name"="x"``). Regex matchers are fully anchored RE2. A missing label matches as the empty string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..promql.regex import GoRegex, RegexError, alertmanager_matcher
from .utf8_matchers import parse_utf8

OPS = ("=", "!=", "=~", "!~")


class MatcherError(ValueError):
    """The text is not a valid matcher (list)."""


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str
    regex: GoRegex | None = field(default=None, compare=False, repr=False)

    @classmethod
    def make(cls, name: str, op: str, value: str) -> Matcher:
        """labels.NewMatcher: compiles regex values (anchored RE2); a bad regex is a :class:`MatcherError`."""
        if op not in OPS:
            raise MatcherError(f"unknown match operator {op!r}")
        regex = None
        if op in ("=~", "!~"):
            try:
                regex = alertmanager_matcher(value)
            except RegexError as exc:
                raise MatcherError(str(exc)) from None
        return cls(name, op, value, regex)

    def matches(self, value: str) -> bool:
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        hit = self.regex is not None and self.regex.search(value) is not None
        return hit if self.op == "=~" else not hit

    def __str__(self) -> str:
        name = self.name if _PLAIN_NAME.match(self.name) else _quote(self.name)
        plain = self.op in ("=", "!=") and _PLAIN_VALUE.match(self.value)
        value = self.value if plain else _quote(self.value)
        return f"{name}{self.op}{value}"


_PLAIN_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_PLAIN_VALUE = re.compile(r"^[^\s{}!=~,\\\"'`]+$")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def matches_all(matchers: list[Matcher], labels: Mapping[str, str]) -> bool:
    """labels.Matchers.Matches: every matcher holds; an absent label is the empty string."""
    return all(m.matches(labels.get(m.name, "")) for m in matchers)


def parse_matchers(text: str) -> list[Matcher]:
    """compat.Matchers in fallback mode: classic parser first, the UTF-8 parser when the classic one refuses."""
    try:
        return parse_classic(text)
    except MatcherError as classic_error:
        try:
            return [Matcher.make(n, o, v) for n, o, v in parse_utf8(text)]
        except ValueError:
            raise classic_error from None


# ---- the classic parser (pkg/labels/parse.go) ----

_CLASSIC = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*$", re.DOTALL)


def parse_classic(text: str) -> list[Matcher]:
    """labels.ParseMatchers: optional braces, commas outside double quotes separate matchers."""
    body = text.removeprefix("{").removesuffix("}")
    tokens, token, quoted, escaped = [], "", False, False
    for ch in body:
        if ch == "," and not quoted:
            tokens.append(token)
            token = ""
            continue
        if ch == '"':
            quoted, escaped = (not quoted, False) if not escaped else (quoted, False)
        elif ch == "\\":
            escaped = not escaped
        else:
            escaped = False
        token += ch
    if token.strip():
        tokens.append(token.strip())
    return [parse_classic_one(t) for t in tokens]


def parse_classic_one(text: str) -> Matcher:
    m = _CLASSIC.match(text)
    if not m:
        raise MatcherError(f"bad matcher format: {text}")
    name, op, raw = m.groups()
    return Matcher.make(name, op, _classic_value(raw))


def _classic_value(raw: str) -> str:
    expect_quote = raw.startswith('"')
    if expect_quote:
        raw = raw[1:]
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(raw):
        if escaped:
            escaped = False
            out.append({"n": "\n", '"': '"', "\\": "\\"}.get(ch, "\\" + ch))
        elif ch == "\\":
            if i < len(raw) - 1:
                escaped = True
            else:
                out.append("\\")
        elif ch == '"':
            if not expect_quote or i < len(raw) - 1:
                raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
            expect_quote = False
        else:
            out.append(ch)
    if expect_quote:
        raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
    return "".join(out)
