"""Go text/template's predefined functions: and or not len index slice print printf println eq ne lt le gt ge..."""

from __future__ import annotations

import html
import urllib.parse
from typing import TYPE_CHECKING, Any

from .execute import _MISSING, Func, FuncError
from .gofmt import sprint, sprintf, sprintln
from .nodes import Node
from .values import GoMap, go_type, truth

if TYPE_CHECKING:
    from .execute import Executor


def _and(ex: Executor, dot: Any, args: list[Node], final: Any) -> Any:
    return _logic(ex, dot, args, final, stop_when=False)


def _or(ex: Executor, dot: Any, args: list[Node], final: Any) -> Any:
    return _logic(ex, dot, args, final, stop_when=True)


def _logic(ex: Executor, dot: Any, args: list[Node], final: Any, stop_when: bool) -> Any:
    value: Any = None
    for node in args:
        value = ex.eval_arg(dot, node)
        if truth(value) is stop_when:
            return value
    if final is not _MISSING:
        value = final
    return value


def _len(item: Any) -> int:
    if isinstance(item, str | list | dict):
        return len(item.encode() if isinstance(item, str) else item)
    raise FuncError(f"len of type {go_type(item)}")


def _index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(item, GoMap):
            if not isinstance(key, str):
                raise FuncError(f"value has type {go_type(key)}; should be string")
            item = item.get(key, item.zero())
        elif isinstance(item, list | str):
            if not isinstance(key, int) or not 0 <= key < len(item):
                raise FuncError(f"index out of range: {key}")
            item = item[key] if isinstance(item, list) else item.encode()[key]
        elif item is None:
            raise FuncError("index of untyped nil")
        else:
            raise FuncError(f"can't index item of type {go_type(item)}")
    return item


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return "other"


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise FuncError("missing argument for comparison")
    for other in others:
        k1, k2 = _kind(first), _kind(other)
        if k1 == "other" or k2 == "other":
            if first is None or other is None:
                if first is other:
                    return True
                continue
            raise FuncError("invalid type for comparison")
        if k1 != k2:
            raise FuncError("incompatible types for comparison")
        if first == other:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    k1, k2 = _kind(a), _kind(b)
    if k1 in ("bool", "other") or k2 in ("bool", "other"):
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    return bool(a < b)


def _slice(item: Any, *idx: Any) -> Any:
    if not isinstance(item, str | list):
        raise FuncError(f"can't slice item of type {go_type(item)}")
    if any(not isinstance(i, int) for i in idx) or len(idx) > 2:
        raise FuncError("invalid slice index")
    start = idx[0] if idx else 0
    end = idx[1] if len(idx) > 1 else len(item)
    if not 0 <= start <= end <= len(item):
        raise FuncError(f"index out of range: {end}")
    return item[start:end]


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def js_escape(text: str) -> str:
    """Go template.JSEscapeString."""
    out = []
    for ch in text:
        if ch in _JS:
            out.append(_JS[ch])
        elif ord(ch) < 0x20 or not ch.isprintable():
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _printf(fmt: str, *args: Any) -> str:
    return sprintf(fmt, list(args))


BUILTINS: dict[str, Func] = {
    "and": Func(_and, [], lazy=True),
    "or": Func(_or, [], lazy=True),
    "not": Func(lambda v: not truth(v), ["any"]),
    "len": Func(_len, ["any"]),
    "index": Func(_index, ["any"], variadic="any"),
    "slice": Func(_slice, ["any"], variadic="any"),
    "print": Func(lambda *a: sprint(list(a)), [], variadic="any"),
    "printf": Func(_printf, ["string"], variadic="any"),
    "println": Func(lambda *a: sprintln(list(a)), [], variadic="any"),
    "eq": Func(_eq, ["any"], variadic="any"),
    "ne": Func(lambda a, b: not _eq(a, b), ["any", "any"]),
    "lt": Func(_lt, ["any", "any"]),
    "le": Func(lambda a, b: _lt(a, b) or _eq(a, b), ["any", "any"]),
    "gt": Func(lambda a, b: not (_lt(a, b) or _eq(a, b)), ["any", "any"]),
    "ge": Func(lambda a, b: not _lt(a, b), ["any", "any"]),
    "html": Func(lambda *a: html.escape(sprint(list(a))).replace("&#x27;", "&#39;"), [], variadic="any"),
    "urlquery": Func(lambda *a: urllib.parse.quote_plus(sprint(list(a))), [], variadic="any"),
    "js": Func(lambda *a: js_escape(sprint(list(a))), [], "any"),
}
