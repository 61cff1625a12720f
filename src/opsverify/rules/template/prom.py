"""Prometheus' template functions (template/template.go): queries, labels, regexps, URLs, host names."""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from opsverify.promql.regex import GoRegex, RegexError, compile_go

from .execute import Func, FuncError
from .gofmt import go_quote
from .gotime import GoDuration, GoTime
from .humanize import humanize, humanize1024, humanize_duration, humanize_percentage, humanize_timestamp, to_float
from .values import GoMap, GoStruct

# query(expr) -> [(labels, value)]; raises an exception whose str() is the query error.
QueryFunc = Callable[[str], Sequence[tuple[Mapping[str, str], float]]]


def make_sample(labels: Mapping[str, str], value: float) -> GoStruct:
    return GoStruct("template.sample", {"Labels": GoMap(labels), "Value": value}, pointer=True)


def _first(v: Any) -> Any:
    if not isinstance(v, list):
        raise FuncError(f"wrong type for value; expected template.queryResult; got {type(v).__name__}")
    if not v:
        raise FuncError("first() called on vector with no elements")
    return v[0]


def _sample_field(s: Any, name: str) -> Any:
    if not isinstance(s, GoStruct) or name not in s.fields:
        raise FuncError("wrong type for value; expected *template.sample")
    return s.fields[name]


def _label(name: str, s: Any) -> str:
    labels = _sample_field(s, "Labels")
    return str(labels.get(name, ""))


def _compile(pattern: str) -> GoRegex:
    """Go's ``regexp.Compile``, as ``match`` calls it (``regexp.MatchString``)."""
    try:
        return compile_go(pattern)
    except RegexError as exc:
        raise FuncError(str(exc)) from None


def _must_compile(pattern: str) -> GoRegex:
    """Go's ``regexp.MustCompile``, as ``reReplaceAll`` calls it: the panic text template reports."""
    try:
        return compile_go(pattern)
    except RegexError as exc:
        shown = f"`{pattern}`" if "`" not in pattern and pattern.isprintable() else go_quote(pattern)
        raise FuncError(f"regexp: Compile({shown}): {exc}") from None


def re_replace_all(pattern: str, repl: str, text: str) -> str:
    """Go regexp.ReplaceAllString: ``$1``/``${1}``/``$name`` expand (``$1x`` is group "1x"), ``$$`` is ``$``."""
    return _must_compile(pattern).replace_all(text, repl)


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    if hostport.startswith("["):
        m = re.fullmatch(r"\[([^\]]*)\]:([^:]*)", hostport)
        return (m.group(1), m.group(2)) if m else None
    if hostport.count(":") != 1:
        return None
    host, port = hostport.split(":")
    return host, port


def strip_port(hostport: str) -> str:
    split = _split_host_port(hostport)
    return split[0] if split else hostport


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def strip_domain(hostport: str) -> str:
    split = _split_host_port(hostport)
    host, port = split if split else (hostport, "")
    if _is_ip(host):
        return hostport
    host = host.split(".")[0]
    if port:
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return host


def go_title(s: str) -> str:
    """strings.Title: upper-case the first letter of every word (letters, digits, _ and ' join words)."""
    out, prev_sep = [], True
    for ch in s:
        out.append(ch.upper() if prev_sep and ch.isalpha() else ch)
        prev_sep = not (ch.isalnum() or ch == "_" or ch == "'")
    return "".join(out)


def _sort_by_label(label: str, v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise FuncError("wrong type for value; expected template.queryResult")
    return sorted(v, key=lambda s: str(_sample_field(s, "Labels").get(label, "")))


def _parse_duration(text: str) -> float:
    """Prometheus' parseDuration: a duration string to float seconds."""
    from opsverify.durations import parse_duration

    if _BARE.match(text) and text != "0":
        raise FuncError(f'not a valid duration string: "{text}"')
    try:
        return parse_duration(text)
    except ValueError:
        raise FuncError(f'not a valid duration string: "{text}"') from None


_BARE = re.compile(r"^[-+]?[\d.]+$")


def prometheus_funcs(query: QueryFunc | None, external_url: str, now_s: float = 0.0) -> dict[str, Func]:
    """The Prometheus function table for one expansion (``query`` runs at the evaluation time, ``now`` returns
    it in seconds)."""

    def run_query(expr: str) -> list[Any]:
        if query is None:
            raise FuncError("query is not available here")
        try:
            return [make_sample(labels, value) for labels, value in query(expr)]
        except FuncError:
            raise
        except Exception as exc:
            raise FuncError(str(exc)) from None

    parsed = urllib.parse.urlsplit(external_url)
    s1, a1 = ["string"], ["any"]
    return {
        "query": Func(run_query, s1),
        "first": Func(_first, a1),
        "label": Func(_label, ["string", "any"]),
        "value": Func(lambda s: _sample_field(s, "Value"), a1),
        "strvalue": Func(lambda s: str(_sample_field(s, "Labels").get("__value__", "")), a1),
        "sortByLabel": Func(_sort_by_label, ["string", "any"]),
        "args": Func(lambda *a: GoMap({f"arg{i}": v for i, v in enumerate(a)}, elem="interface {}"), [], "any"),
        "reReplaceAll": Func(lambda p, r, t: re_replace_all(p, r, t), ["string"] * 3),
        "match": Func(lambda p, s: _compile(p).matches(s), ["string", "string"]),
        "safeHtml": Func(lambda s: s, s1),
        "title": Func(go_title, s1),
        "toUpper": Func(str.upper, s1),
        "toLower": Func(str.lower, s1),
        "stripPort": Func(strip_port, s1),
        "stripDomain": Func(strip_domain, s1),
        "humanize": Func(humanize, a1),
        "humanize1024": Func(humanize1024, a1),
        "humanizeDuration": Func(humanize_duration, a1),
        "humanizePercentage": Func(humanize_percentage, a1),
        "humanizeTimestamp": Func(humanize_timestamp, a1),
        "toTime": Func(_to_time, a1),
        "toDuration": Func(lambda v: GoDuration(to_float(v)), a1),
        "now": Func(lambda: now_s, []),
        "urlQueryEscape": Func(lambda s: urllib.parse.quote_plus(s, safe=""), s1),
        "parseDuration": Func(_parse_duration, s1),
        "pathPrefix": Func(lambda: parsed.path, []),
        "externalURL": Func(lambda: external_url, []),
        "graphLink": Func(lambda e: _link(e, 0), s1),
        "tableLink": Func(lambda e: _link(e, 1), s1),
    }


def _to_time(v: Any) -> Any:
    """``*time.Time`` (prints as ``1970-01-01 00:00:01 +0000 UTC``; ``.Format`` and friends callable)."""
    seconds = to_float(v)
    if math.isnan(seconds) or math.isinf(seconds):
        return humanize_timestamp(seconds)
    humanize_timestamp(seconds)  # raises Prometheus' overflow error
    return GoTime(seconds)


def _link(expr: str, tab: int) -> str:
    """strutil.GraphLinkForExpression / TableLinkForExpression: a relative link, no external_url path."""
    return f"/graph?g0.expr={urllib.parse.quote_plus(expr, safe='')}&g0.tab={tab}"
