"""Build the route tree from YAML: inheritance as dispatch.NewRoute does it, validation as config.go does it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..durations import parse_duration
from ..errors import SourceError
from ..promql.regex import RegexError, alertmanager_matcher
from ..yamlsrc import LDict
from .matchers import Matcher, MatcherError, parse_matchers
from .model import DEFAULT_GROUP_INTERVAL, DEFAULT_GROUP_WAIT, DEFAULT_REPEAT_INTERVAL, Route

Fail = Callable[[int, str], SourceError]
ROUTE_KEYS = {"receiver", "group_by", "continue", "match", "match_re", "matchers", "routes", "labels"}
ROUTE_KEYS |= {"group_wait", "group_interval", "repeat_interval", "mute_time_intervals", "active_time_intervals"}


def matcher_list(raw: LDict, prefix: str, fail: Fail) -> list[Matcher]:
    """``{prefix}match`` (equality), ``{prefix}match_re`` (anchored RE2) and ``{prefix}matchers`` (strings)."""
    out: list[Matcher] = []
    for name, value in _mapping(raw, f"{prefix}match", fail).items():
        out.append(Matcher.make(name, "=", _text(value)))
    for name, value in _mapping(raw, f"{prefix}match_re", fail).items():
        try:
            alertmanager_matcher(_text(value))
        except RegexError as exc:
            raise fail(raw.line_of(f"{prefix}match_re"), f"{prefix}match_re: {name}: {exc}") from None
        out.append(Matcher.make(name, "=~", _text(value)))
    items = raw.get(f"{prefix}matchers")
    items = [] if items is None else items
    if not isinstance(items, list):
        raise fail(raw.line_of(f"{prefix}matchers"), f"{prefix}matchers: expected a list of strings")
    for i, text in enumerate(items):
        try:
            out.extend(parse_matchers(_text(text)))
        except MatcherError as exc:
            line = items.item_lines[i] if hasattr(items, "item_lines") else raw.line
            raise fail(line, f"{prefix}matchers: {exc}") from None
    return out


def str_list(raw: LDict, key: str, fail: Fail) -> list[str]:
    """A list of strings (absent or null: empty); anything else is an error at the key's line."""
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
        raise fail(raw.line_of(key), f"{key}: expected a list of strings")
    return [_text(v) for v in value]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return "NaN"
    return str(value)


def _mapping(raw: LDict, key: str, fail: Fail) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(raw.line_of(key), f"{key}: expected a mapping of label names to values")
    return dict(value)


def _bool(raw: LDict, key: str, fail: Fail) -> bool:
    value = raw.get(key)
    if value is None:
        return False
    text = str(value).lower()
    if text not in ("true", "false", "yes", "no", "on", "off"):
        raise fail(raw.line_of(key), f"{key}: expected true or false, got {value!r}")
    return text in ("true", "yes", "on")


class RouteBuilder:
    def __init__(self, fail: Fail, receivers: set[str], intervals: set[str]) -> None:
        self.fail = fail
        self.receivers = receivers
        self.intervals = intervals
        self.count = 0

    def root(self, raw: LDict) -> Route:
        if not raw.get("receiver"):
            raise self.fail(raw.line, "root route must specify a default receiver")
        if any(raw.get(k) for k in ("match", "match_re", "matchers")):
            raise self.fail(raw.line, "root route must not have any matchers")
        if _bool(raw, "continue", self.fail):
            raise self.fail(raw.line_of("continue"), "cannot have continue in root route")
        for key in ("mute_time_intervals", "active_time_intervals"):
            if raw.get(key):
                raise self.fail(raw.line_of(key), f"root route must not have any {key.replace('_', ' ')[:-1]}s")
        return self.build(raw, None)

    def build(self, raw: Any, parent: Route | None) -> Route:
        if not isinstance(raw, LDict):
            raise self.fail(getattr(raw, "line", 0), "routes: expected a mapping")
        for key in raw:
            if key not in ROUTE_KEYS:
                raise self.fail(raw.line_of(key), f"field {key} not found in type config.plain")
        receiver = str(raw.get("receiver") or (parent.receiver if parent else ""))
        if receiver not in self.receivers:
            raise self.fail(raw.line_of("receiver"), f'undefined receiver "{receiver}" used in route')
        group_by, group_all = self._group_by(raw, parent)
        route = Route(
            number=self.count,
            line=raw.line,
            receiver=receiver,
            group_by=group_by,
            group_by_all=group_all,
            group_wait=self._duration(raw, "group_wait", parent.group_wait if parent else DEFAULT_GROUP_WAIT),
            group_interval=self._duration(
                raw, "group_interval", parent.group_interval if parent else DEFAULT_GROUP_INTERVAL
            ),
            repeat_interval=self._duration(
                raw, "repeat_interval", parent.repeat_interval if parent else DEFAULT_REPEAT_INTERVAL
            ),
            matchers=matcher_list(raw, "", self.fail),
            continue_=_bool(raw, "continue", self.fail),
            mute_time_intervals=self._intervals(raw, "mute_time_intervals"),
            active_time_intervals=self._intervals(raw, "active_time_intervals"),
            parent=parent,
        )
        self.count += 1
        children = raw.get("routes") or []
        if not isinstance(children, list):
            raise self.fail(raw.line_of("routes"), "routes: expected a list of routes")
        for child in children:
            route.routes.append(self.build(child, route))
        return route

    def _group_by(self, raw: LDict, parent: Route | None) -> tuple[tuple[str, ...], bool]:
        """config.Route.UnmarshalYAML + NewRoute: ``...`` groups by all; an empty or absent list inherits."""
        names = str_list(raw, "group_by", self.fail)
        inherited = (parent.group_by, parent.group_by_all) if parent else ((), False)
        if "..." in names and len(names) > 1:
            raise self.fail(
                raw.line_of("group_by"), "cannot have wildcard group_by (`...`) and other labels at the same time"
            )
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise self.fail(raw.line_of("group_by"), f'duplicated label "{dup}" in group_by')
        if names == ["..."]:
            return inherited[0], True
        return (tuple(names), False) if names else inherited

    def _duration(self, raw: LDict, key: str, inherited: float) -> float:
        if raw.get(key) is None:
            return inherited
        text = str(raw[key])
        try:
            if text != "0" and not any(ch.isalpha() for ch in text):  # model.ParseDuration wants a unit
                raise ValueError(f'not a valid duration string: "{text}"')
            value = parse_duration(text)
        except ValueError as exc:
            raise self.fail(raw.line_of(key), f"{key}: {exc}") from None
        if value == 0 and key != "group_wait":
            raise self.fail(raw.line_of(key), f"{key} cannot be zero")
        return value

    def _intervals(self, raw: LDict, key: str) -> list[str]:
        names = str_list(raw, key, self.fail)
        for name in names:
            if name not in self.intervals:
                raise self.fail(raw.line_of(key), f'undefined time interval "{name}" used in route')
        return names
