"""Lexer for Go text/template: text, ``{{``/``}}`` with ``-`` trim markers, comments, and action tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import TemplateParseError

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
    |(?P<declare>:=)|(?P<assign>=)|(?P<pipe>\|)|(?P<lparen>\()|(?P<rparen>\))|(?P<comma>,)
    |(?P<rawstring>`[^`]*`)
    |(?P<string>"(?:\\.|[^"\\\n])*")
    |(?P<char>'(?:\\.|[^'\\\n])+')
    |(?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![A-Za-z_\d]))
    |(?P<variable>\$[A-Za-z0-9_]*)
    |(?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
    |(?P<dot>\.)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}


def _kind(group: str, text: str) -> str:
    if group != "ident":
        return group
    if text in ("true", "false"):
        return "bool"
    if text == "nil":
        return "nil"
    return "keyword" if text in KEYWORDS else "ident"


@dataclass
class Token:
    kind: str
    value: str
    pos: int
    space: bool = False  # whitespace before this token


class Lexer:
    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.tokens: list[Token] = []

    def fail(self, pos: int, message: str) -> TemplateParseError:
        line = self.text.count("\n", 0, pos) + 1
        return TemplateParseError(f"template: {self.name}:{line}: {message}")

    def run(self) -> list[Token]:
        pos = 0
        while pos < len(self.text):
            start = self.text.find("{{", pos)
            if start < 0:
                self._text(self.text[pos:], pos)
                break
            trim_left = self.text.startswith("{{- ", start) or self.text.startswith("{{-\t", start)
            trim_left = trim_left or self.text.startswith("{{-\n", start)
            chunk = self.text[pos:start]
            self._text(chunk.rstrip(" \t\r\n") if trim_left else chunk, pos)
            pos = self._action(start + (3 if trim_left else 2), start)
        self.tokens.append(Token("eof", "", len(self.text)))
        return self.tokens

    def _text(self, chunk: str, pos: int) -> None:
        if chunk:
            self.tokens.append(Token("text", chunk, pos))

    def _skip_trimmed(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\r\n":
            pos += 1
        return pos

    def _close(self, pos: int) -> int | None:
        """If an action closes at pos (``}}`` or `` -}}``), return the position after it (and trim)."""
        if self.text.startswith("}}", pos):
            return pos + 2
        m = re.match(r"[ \t\r\n]-}}", self.text[pos:])
        if m:
            return self._skip_trimmed(pos + 4)
        return None

    def _action(self, pos: int, start: int) -> int:
        if re.match(r"[ \t\r\n]*/\*", self.text[pos:]):
            return self._comment(pos, start)
        self.tokens.append(Token("ldelim", "{{", start))
        space = False
        while True:
            if pos >= len(self.text):
                raise self.fail(start, "unclosed action")
            after = self._close(pos)
            if after is not None:
                self.tokens.append(Token("rdelim", "}}", pos))
                return after
            m = _TOKEN.match(self.text, pos)
            if not m or m.end() == pos:
                raise self.fail(pos, self._bad_char(pos))
            if m.lastgroup == "space":
                space = True
            else:
                self.tokens.append(Token(_kind(m.lastgroup or "", m.group()), m.group(), pos, space))
                space = False
            pos = m.end()

    def _comment(self, pos: int, start: int) -> int:
        end = self.text.find("*/", pos)
        if end < 0:
            raise self.fail(start, "unclosed comment")
        after = self._close(end + 2)
        if after is None:
            raise self.fail(start, "comment ends before closing delimiter")
        return after

    def _bad_char(self, pos: int) -> str:
        ch = self.text[pos]
        if ch == '"':
            return "unterminated quoted string"
        if ch == "`":
            return "unterminated raw quoted string"
        return f"unexpected bad character U+{ord(ch):04X} '{ch}' in command"
