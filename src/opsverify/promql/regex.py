"""Go regular expressions (RE2 syntax and semantics) for everything Prometheus or Alertmanager would match.

Python's ``re`` is not Go's ``regexp``: ``\\d`` and ``\\w`` are Unicode-aware there and ASCII in Go, ``a{,2}`` is a
repetition there and a literal in Go, ``\\pL`` and ``[[:^alpha:]]`` are refused there, and ``(a+)+b`` backtracks
for seconds. We compile with RE2 (google-re2), the library Go's ``regexp`` ports, so syntax, matching and linear time
are Go's. Public helpers, for callers outside ``promql`` too:

- :func:`compile_go` — ``regexp.Compile(pattern)``: unanchored, ``.`` does not match ``\\n``;
- :func:`prometheus_matcher` — a Prometheus label matcher / ``label_replace`` regex: ``^(?s:pattern)$``;
- :func:`alertmanager_matcher` — an Alertmanager matcher regex: ``^(?:pattern)$``;
- :meth:`GoRegex.replace_all` / :func:`expand` — ``ReplaceAllString`` / ``Expand`` with ``$1``, ``${name}``, ``$$``.

A bad pattern raises :class:`RegexError` (a ``ValueError``) with Go's wording:
``error parsing regexp: missing closing ): `(.*```.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

__all__ = [
    "GoRegex",
    "RegexError",
    "alertmanager_matcher",
    "compile_go",
    "expand",
    "prometheus_matcher",
]

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every bad pattern to stderr

# RE2 (C++) error text -> Go regexp/syntax ErrorCode text.
_GO_CODES = {
    "missing )": "missing closing )",
    "missing ]": "missing closing ]",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid repetition size": "invalid repeat count",
    "no argument for repetition operator": "missing argument to repetition operator",
    "trailing \\": "trailing backslash at end of expression",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid named capture group": "invalid named capture",
}


class RegexError(ValueError):
    """A pattern Go's ``regexp.Compile`` refuses; the text is Go's ``error parsing regexp: ...``."""


class GoRegex:
    """A compiled Go regular expression. ``match`` objects are RE2's (``group``, ``span``, ``groupdict``)."""

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._rx = compiled

    @property
    def groups(self) -> int:
        return int(self._rx.groups)

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self._rx.groupindex)

    def search(self, text: str, pos: int = 0) -> Any:
        """The leftmost-first match at or after ``pos`` (``^`` and ``\\b`` still see the text before it), or None."""
        return self._rx.search(text, pos)

    def matches(self, text: str) -> bool:
        """Go's ``MatchString``: does the pattern match anywhere in ``text``?"""
        return self._rx.search(text) is not None

    def fullmatch(self, text: str) -> Any:
        return self._rx.fullmatch(text)

    def finditer(self, text: str) -> list[Any]:
        """Successive non-overlapping matches; an empty match right after a match is skipped, as in Go."""
        found: list[Any] = []
        pos, last_end = 0, -1
        while pos <= len(text):
            m = self._rx.search(text, pos)
            if m is None:
                break
            start, end = m.span()
            if not (start == end and start == last_end):
                found.append(m)
            last_end = end
            pos = end if end > pos else pos + 1
        return found

    def replace_all(self, text: str, template: str) -> str:
        """Go's ``ReplaceAllString``: every match replaced by ``template`` expanded (``$1``, ``${name}``, ``$$``)."""
        out: list[str] = []
        last = 0
        for m in self.finditer(text):
            start, end = m.span()
            out.append(text[last:start])
            out.append(expand(self, template, m))
            last = end
        out.append(text[last:])
        return "".join(out)


def _go_message(pattern: str, exc: Exception) -> str:
    raw = exc.args[0] if exc.args else str(exc)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    code, _, fragment = text.partition(": ")
    code = _GO_CODES.get(code, code)
    return f"error parsing regexp: {code}: `{fragment or pattern}`"


def _refuse_non_go(pattern: str) -> None:
    """Syntax RE2 (C++) accepts and Go does not: ``\\C`` (any byte)."""
    i = 0
    while i < len(pattern) - 1:
        if pattern[i] == "\\":
            if pattern[i + 1] == "C":
                raise RegexError("error parsing regexp: invalid escape sequence: `\\C`")
            i += 2
            continue
        i += 1


@lru_cache(maxsize=4096)
def _compile(full: str, shown: str) -> GoRegex:
    _refuse_non_go(shown)
    try:
        return GoRegex(shown, re2.compile(full, options=_OPTIONS))
    except re2.error as exc:
        raise RegexError(_go_message(shown, exc)) from None


def compile_go(pattern: str) -> GoRegex:
    """Go's ``regexp.Compile(pattern)``. Raises :class:`RegexError`."""
    return _compile(pattern, pattern)


def prometheus_matcher(pattern: str) -> GoRegex:
    """A Prometheus ``=~``/``!~`` matcher or ``label_replace`` regex: fully anchored, ``.`` matches ``\\n``."""
    return _compile(f"^(?s:{pattern})$", pattern)


def alertmanager_matcher(pattern: str) -> GoRegex:
    """An Alertmanager matcher regex (``labels.NewMatcher``): fully anchored, ``.`` does not match ``\\n``."""
    return _compile(f"^(?:{pattern})$", pattern)


def expand(rx: GoRegex, template: str, match: Any) -> str:
    """Go's ``Regexp.Expand``: ``$1``/``${1}``/``$name``/``${name}``; ``$1x`` is the group named ``1x``; unknown
    or unmatched groups expand to ""; ``$$`` is ``$``; a malformed reference stays literal."""
    out: list[str] = []
    rest = template
    while True:
        before, dollar, after = rest.partition("$")
        out.append(before)
        if not dollar:
            return "".join(out)
        if after.startswith("$"):
            out.append("$")
            rest = after[1:]
            continue
        name, rest_after = _extract(after)
        if name is None:
            out.append("$")
            rest = after
            continue
        out.append(_group_text(rx, name, match))
        rest = rest_after


def _extract(text: str) -> tuple[str | None, str]:
    brace = text.startswith("{")
    body = text[1:] if brace else text
    i = 0
    while i < len(body) and (body[i].isalpha() or body[i].isdecimal() or body[i] == "_"):
        i += 1
    if i == 0:
        return None, text
    name = body[:i]
    if brace:
        if i >= len(body) or body[i] != "}":
            return None, text
        i += 1
    return name, body[i:]


def _group_text(rx: GoRegex, name: str, match: Any) -> str:
    if name.isascii() and name.isdigit() and not (name.startswith("0") and len(name) > 1) and len(name) < 9:
        index = int(name)
        return (match.group(index) or "") if index <= rx.groups else ""
    named = rx.groupindex.get(name)
    return (match.group(named) or "") if named is not None else ""
