"""Template expansion as Prometheus does it for alert labels and annotations (template.Expander)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .builtins import BUILTINS
from .errors import TemplateError, TemplateExecError
from .execute import Executor, Func, FuncError
from .parser import Tree, parse
from .prom import QueryFunc, prometheus_funcs
from .values import GoMap, GoStruct

ALERT_DEFS = (
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
)
_NAMES = frozenset(BUILTINS) | frozenset(prometheus_funcs(None, "")) | {"tmpl"}


@lru_cache(maxsize=4096)
def parse_cached(text: str, name: str) -> Tree:
    return parse(text, name, _NAMES)


def alert_data(
    labels: Mapping[str, str], value: Any, external_labels: Mapping[str, str], external_url: str
) -> GoStruct:
    """The struct Prometheus hands to alert templates (AlertTemplateData)."""
    fields = {
        "Labels": GoMap(labels),
        "ExternalLabels": GoMap(external_labels),
        "ExternalURL": external_url,
        "Value": value,
    }
    type_name = (
        "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }"
    )
    return GoStruct(type_name, fields)


def expand(
    text: str, name: str, data: Any, query: QueryFunc | None = None, external_url: str = "", now_s: float = 0.0
) -> str:
    """Expand ``text``; raise :class:`TemplateError` carrying Prometheus' message on failure."""
    tree = parse_cached(text, name)
    funcs: dict[str, Func] = {**BUILTINS, **prometheus_funcs(query, external_url, now_s)}

    def tmpl(tname: str, tdata: Any) -> str:
        if tname not in tree.templates:
            raise FuncError(f'template: no template "{tname}" associated with template "{name}"')
        sub = Tree(name, tree.text, tree.templates[tname], tree.templates)
        try:
            return Executor(sub, funcs).run(tdata)
        except TemplateExecError as exc:
            raise FuncError(str(exc)) from None

    funcs["tmpl"] = Func(tmpl, ["string", "any"])
    try:
        return Executor(tree, funcs).run(data)
    except TemplateExecError as exc:
        raise TemplateExecError(f"error executing template {name}: {exc}") from None
    except RecursionError:
        raise TemplateExecError(f"error executing template {name}: exceeded maximum template depth") from None


def expand_alert_text(
    text: str,
    alert_name: str,
    labels: Mapping[str, str],
    value: Any,
    external_labels: Mapping[str, str] | None = None,
    external_url: str = "",
    query: QueryFunc | None = None,
    now_s: float = 0.0,
) -> str:
    """A label or annotation value as an alerting rule renders it; errors render in place, as in Prometheus.
    ``now_s``: the evaluation time in seconds (the template function ``now``)."""
    if "{{" not in text:
        return text
    data = alert_data(labels, value, external_labels or {}, external_url)
    try:
        return expand(ALERT_DEFS + text, "__alert_" + alert_name, data, query, external_url, now_s)
    except TemplateError as exc:
        return f"<error expanding template: {exc}>"


def check_alert_text(text: str, alert_name: str) -> str | None:
    """Parse-check a label or annotation template as rule-file validation does; the error message or None."""
    try:
        parse_cached(ALERT_DEFS + text, "__alert_" + alert_name)
    except TemplateError as exc:
        return str(exc)
    return None
