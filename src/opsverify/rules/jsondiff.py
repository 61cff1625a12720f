"""promtool's ``--diff`` view: the merged JSON document of expected vs got alerts as github.com/nsf/jsondiff prints
it with its console options (full document, keys sorted, 4-space indent; removed parts red, added green, changed
values yellow as ``old => new``; ANSI colours as promtool prints them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .template.gofmt import go_quote

INDENT = "    "


@dataclass(frozen=True)
class Tag:
    begin: str = ""
    end: str = ""


NORMAL = Tag()
ADDED = Tag("\033[0;32m", "\033[0m")
REMOVED = Tag("\033[0;31m", "\033[0m")
CHANGED = Tag("\033[0;33m", "\033[0m")
_MISSING = object()


class _Printer:
    """One comparison; ``last`` is the colour currently open, ``level`` the indentation depth."""

    def __init__(self) -> None:
        self.level = 0
        self.last: Tag | None = None

    def tag(self, buf: list[str], tag: Tag) -> None:
        if self.last is tag:
            return
        if self.last is not None:
            buf.append(self.last.end)
        buf.append(tag.begin)
        self.last = tag

    def newline(self, buf: list[str], text: str) -> None:
        """End a line (closing the colour) and start the next at the current depth (reopening it)."""
        buf.append(text)
        if self.last is not None:
            buf.append(self.last.end)
        buf.append("\n" + INDENT * self.level)
        if self.last is not None:
            buf.append(self.last.begin)

    def finish(self, buf: list[str]) -> str:
        if self.last is not None:
            buf.append(self.last.end)
            self.last = None
        return "".join(buf)

    def value(self, buf: list[str], v: Any, full: bool) -> None:
        if isinstance(v, bool):
            buf.append("true" if v else "false")
        elif isinstance(v, str):
            buf.append(go_quote(v))
        elif isinstance(v, list | dict):
            self._container(buf, v, full)
        else:
            buf.append("null")

    def _container(self, buf: list[str], v: list[Any] | dict[str, Any], full: bool) -> None:
        opening, closing = ("[", "]") if isinstance(v, list) else ("{", "}")
        if not full or not v:
            buf.append(opening + closing)
            return
        self.level += 1
        self.newline(buf, opening)
        items = list(v) if isinstance(v, list) else [(k, v[k]) for k in sorted(v)]
        for i, item in enumerate(items):
            if isinstance(v, dict):
                buf.append(go_quote(item[0]) + ": ")
                item = item[1]
            self.value(buf, item, True)
            if i < len(items) - 1:
                self.newline(buf, ",")
            else:
                self.level -= 1
                self.newline(buf, "")
        buf.append(closing)

    def mismatch(self, buf: list[str], a: Any, b: Any) -> str:
        self.tag(buf, CHANGED)
        self.value(buf, a, False)
        buf.append(" => ")
        self.value(buf, b, False)
        return self.finish(buf)

    def diff(self, a: Any, b: Any) -> str:
        buf: list[str] = []
        if type(a) is not type(b) or (not isinstance(a, list | dict) and a != b):
            return self.mismatch(buf, a, b)
        if isinstance(a, list):
            n = max(len(a), len(b))
            entries = [(None, a[i] if i < len(a) else _MISSING, b[i] if i < len(b) else _MISSING) for i in range(n)]
            return self.collection("[", "]", entries)
        if isinstance(a, dict):
            entries = [(k, a.get(k, _MISSING), b.get(k, _MISSING)) for k in sorted(set(a) | set(b))]
            return self.collection("{", "}", entries)
        self.tag(buf, NORMAL)
        self.value(buf, a, True)
        return self.finish(buf)

    def collection(self, opening: str, closing: str, entries: Sequence[tuple[str | None, Any, Any]]) -> str:
        self.level += 1
        inner = [self.diff(a, b) if a is not _MISSING and b is not _MISSING else "" for _, a, b in entries]
        self.level -= 1
        buf: list[str] = []
        self.tag(buf, NORMAL)
        if not entries:
            buf.append(opening + closing)
            return self.finish(buf)
        self.level += 1
        self.newline(buf, opening)
        for i, (key, a, b) in enumerate(entries):
            prefix = go_quote(key) + ": " if key is not None else ""
            if a is not _MISSING and b is not _MISSING:
                buf.append(prefix + inner[i])
            else:
                self.tag(buf, REMOVED if b is _MISSING else ADDED)
                buf.append(prefix)
                self.value(buf, a if b is _MISSING else b, True)
            if i < len(entries) - 1:
                self.tag(buf, NORMAL)
                self.newline(buf, ",")
        self.level -= 1
        self.tag(buf, NORMAL)
        self.newline(buf, "")
        buf.append(closing)
        return self.finish(buf)


def compare(expected: Any, got: Any) -> str:
    """jsondiff.Compare(expected, got) with DefaultConsoleOptions: the merged document."""
    return _Printer().diff(expected, got)
