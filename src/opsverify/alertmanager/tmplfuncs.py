"""Alertmanager's template functions (template.DefaultFuncs) on top of Go's builtins, for our interpreter."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..promql.regex import RegexError, compile_go
from ..rules.template import GoMap, GoStruct
from ..rules.template.builtins import BUILTINS
from ..rules.template.execute import Func, FuncError
from ..rules.template.prom import prometheus_funcs
from .notify_data import GoTime, Strings, go_format


class SafeHTML(str):
    """html/template.HTML: inserted as-is in HTML mode (``safeHtml``)."""


def _search(pattern: str, text: str) -> bool:
    try:
        return compile_go(pattern).matches(text)
    except RegexError as exc:
        raise FuncError(str(exc)) from None


def _join(sep: str, items: Any) -> str:
    if not isinstance(items, list):
        raise FuncError("wrong type for value; expected []string")
    return sep.join(str(i) for i in items)


def _time(value: Any) -> dt.datetime:
    if isinstance(value, GoTime):
        return value.instant
    raise FuncError("wrong type for value; expected time.Time")


def _tz(name: str, value: Any) -> GoTime:
    try:
        return GoTime(_time(value).astimezone(ZoneInfo(name)))
    except (ZoneInfoNotFoundError, ValueError):
        raise FuncError(f"unknown time zone {name}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, GoStruct):
        return {k: _plain(v) for k, v in value.fields.items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _b64decode(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode()
    except ValueError as exc:
        raise FuncError(str(exc)) from None


def _dict(*pairs: Any) -> GoMap:
    if len(pairs) % 2:
        raise FuncError("invalid dict call, must have even number of arguments")
    return GoMap({str(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)}, elem="interface {}")


def alertmanager_funcs(now: dt.datetime) -> dict[str, Func]:
    """The function table; ``now`` is the test's instant (``now``, ``since``)."""
    prom = prometheus_funcs(None, "")
    s1 = ["string"]
    return {
        **BUILTINS,
        "toUpper": Func(str.upper, s1),
        "toLower": Func(str.lower, s1),
        "title": prom["title"],
        "trimSpace": Func(str.strip, s1),
        "join": Func(_join, ["string", "any"]),
        "match": Func(_search, ["string", "string"]),
        "safeHtml": Func(SafeHTML, s1),
        "safeUrl": Func(str, s1),
        "urlUnescape": Func(lambda s: urllib.parse.unquote_plus(s), s1),
        "reReplaceAll": prom["reReplaceAll"],
        "stringSlice": Func(lambda *s: Strings(s), [], variadic="string"),
        "date": Func(lambda layout, t: go_format(_time(t), layout), ["string", "any"]),
        "tz": Func(_tz, ["string", "any"]),
        "now": Func(lambda: GoTime(now), []),
        "since": Func(lambda t: (now - _time(t)).total_seconds(), ["any"]),
        "humanizeDuration": prom["humanizeDuration"],
        "toJson": Func(lambda v: json.dumps(_plain(v), separators=(",", ":"), ensure_ascii=False), ["any"]),
        "base64encode": Func(lambda s: base64.b64encode(s.encode()).decode(), s1),
        "base64decode": Func(_b64decode, s1),
        "list": Func(lambda *a: list(a), [], variadic="any"),
        "append": Func(lambda lst, *a: [*lst, *a], ["any"], variadic="any"),
        "dict": Func(_dict, [], variadic="any"),
    }
