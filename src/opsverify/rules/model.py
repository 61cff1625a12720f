"""Rule files as Prometheus reads them (rulefmt), validated with ``file:line`` errors, resolved into rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from opsverify.errors import SourceError
from opsverify.schema import Converter, Duration
from opsverify.yamlsrc import LDict, LList
from opsverify.yamlsrc import load as _load_yaml

from .deps import parse_expr
from .template import check_alert_text


def valid_name(name: str) -> bool:
    """Prometheus 3 (UTF-8 name validation, promtool 3's default): any non-empty valid UTF-8 text is a label or
    metric name (``bad-label``, ``my.metric``); Prometheus 2 wanted ``[a-zA-Z_][a-zA-Z0-9_]*``."""
    return bool(name) and not any(0xD800 <= ord(c) <= 0xDFFF for c in name)


@dataclass
class RuleSpec:
    record: str | None = None
    alert: str | None = None
    expr: str | None = None
    for_: Duration | None = field(default=None, metadata={"key": "for"})
    keep_firing_for: Duration | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class GroupSpec:
    name: str = ""
    interval: Duration | None = None
    query_offset: Duration | None = None
    limit: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    rules: list[RuleSpec] = field(default_factory=list)


@dataclass
class RuleFileSpec:
    groups: list[GroupSpec] = field(default_factory=list)


@dataclass
class Rule:
    """One validated rule; ``kind`` is "alert" or "record"; durations in ms."""

    kind: str
    name: str
    expr: str
    labels: dict[str, str]
    annotations: dict[str, str]
    for_ms: int
    keep_firing_for_ms: int
    file: str
    line: int
    parsed: Any = None
    key_lines: dict[str, int] = field(default_factory=dict)  # line of each key of the rule (expr, labels, ...)


@dataclass
class Group:
    name: str
    file: str
    rules: list[Rule]
    interval_ms: int | None = None
    query_offset_ms: int = 0
    limit: int = 0


_EMPTY_LISTS = {"exp_alerts", "exp_samples", "input_series", "alert_rule_test", "promql_expr_test"}
_EMPTY_LISTS |= {"rule_files", "group_eval_order", "tests", "rules", "groups"}
_EMPTY_MAPS = {"exp_labels", "exp_annotations", "external_labels", "labels", "annotations"}


def nulls_to_empty(value: Any) -> Any:
    """Go's YAML decoder reads ``key:`` (null) as an empty list or map; do the same for the keys that hold them."""
    if isinstance(value, LDict):
        for key, item in list(value.items()):
            if item is None and key in _EMPTY_LISTS | _EMPTY_MAPS:
                empty: LDict | LList = LList() if key in _EMPTY_LISTS else LDict()
                empty.line = value.line_of(key)
                if isinstance(empty, LList):
                    empty.item_lines = []
                else:
                    empty.key_lines = {}
                value[key] = empty
            else:
                nulls_to_empty(item)
    elif isinstance(value, list):
        for item in value:
            nulls_to_empty(item)
    return value


_DURATION_KEYS = {"for", "keep_firing_for", "interval", "query_offset", "evaluation_interval", "eval_time"}
_BARE_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def check_durations(value: Any, filename: str) -> None:
    """Prometheus durations need a unit: ``for: 5`` is refused (only ``0`` may go without one)."""
    if isinstance(value, LDict):
        for key, item in value.items():
            if key in _DURATION_KEYS and isinstance(item, str) and _BARE_NUMBER.match(item) and item != "0":
                raise SourceError(filename, value.line_of(key), f'{key}: not a valid duration string: "{item}"')
            check_durations(item, filename)
    elif isinstance(value, list):
        for item in value:
            check_durations(item, filename)


def load_rule_file(path: str | Path, *, ignore_unknown_fields: bool = False) -> list[Group]:
    """Read and validate one rule file; raise SourceError naming file and line.

    ``ignore_unknown_fields``: keys Prometheus does not know are dropped instead of refused (promtool's flag).
    """
    filename = str(path)
    raw = nulls_to_empty(_load_yaml(path, go_text=True))
    if raw is None:
        return []
    if ignore_unknown_fields:
        _drop_unknown(raw, RuleFileSpec)
    check_durations(raw, filename)
    spec = Converter(filename).dataclass(raw, RuleFileSpec, "", 1)
    return _Validator(filename, raw).groups(spec)


_NESTED = {"groups": GroupSpec, "rules": RuleSpec}


def _drop_unknown(raw: Any, spec: type) -> None:
    """Remove keys ``spec`` (a rulefmt dataclass) does not declare, recursively through groups and rules."""
    if not isinstance(raw, dict):
        return
    known = {f.metadata.get("key", f.name) for f in fields(spec)}
    for key in [k for k in raw if k not in known]:
        del raw[key]
    for key, child in _NESTED.items():
        items = raw.get(key)
        for item in items if isinstance(items, list) else []:
            _drop_unknown(item, child)


class _Validator:
    def __init__(self, filename: str, raw: Any) -> None:
        self.filename = filename
        self.raw = raw

    def fail(self, line: int, message: str) -> SourceError:
        return SourceError(self.filename, line, message)

    def _raw_group(self, gi: int) -> LDict:
        groups = self.raw.get("groups") if isinstance(self.raw, dict) else None
        item = groups[gi] if isinstance(groups, LList) and gi < len(groups) else None
        return item if isinstance(item, LDict) else LDict()

    def _rule_lines(self, gi: int, ri: int) -> tuple[int, LDict]:
        rules = self._raw_group(gi).get("rules")
        if isinstance(rules, LList) and ri < len(rules) and isinstance(rules[ri], LDict):
            return rules.line_of(ri), rules[ri]
        return 0, LDict()

    def groups(self, spec: RuleFileSpec) -> list[Group]:
        seen: set[str] = set()
        out = []
        for gi, g in enumerate(spec.groups):
            line = self._raw_group(gi).line or 1
            if not g.name:
                raise self.fail(line, f"groups[{gi}]: groupname must not be empty")
            if g.name in seen:
                raise self.fail(line, f'groups[{gi}]: groupname: "{g.name}" is repeated in the same file')
            seen.add(g.name)
            rules = [self.rule(gi, ri, r, g.labels) for ri, r in enumerate(g.rules)]
            out.append(Group(g.name, self.filename, rules, _ms(g.interval), _ms(g.query_offset) or 0, g.limit))
        return out

    def rule(self, gi: int, ri: int, r: RuleSpec, group_labels: dict[str, str]) -> Rule:
        line, raw = self._rule_lines(gi, ri)
        where = f"groups[{gi}].rules[{ri}]"

        def at(key: str) -> int:
            return raw.line_of(key) if key in raw else line

        parsed = self.check_kind_and_expr(r, where, line, at("expr"))
        if r.record is not None:
            self.check_record(r, where, at)
        labels = {**group_labels, **r.labels}
        self.check_labels(labels, r, where, at)
        kind = "alert" if r.alert else "record"
        name = str(r.alert or r.record)
        return Rule(
            kind,
            name,
            str(r.expr),
            labels,
            dict(r.annotations),
            _ms(r.for_) or 0,
            _ms(r.keep_firing_for) or 0,
            self.filename,
            line,
            parsed,
            {str(k): raw.line_of(k) for k in raw},
        )

    def check_kind_and_expr(self, r: RuleSpec, where: str, line: int, expr_line: int) -> Any:
        if r.record is not None and r.alert is not None:
            raise self.fail(line, f"{where}: only one of 'record' and 'alert' must be set")
        if not r.record and not r.alert:
            raise self.fail(line, f"{where}: one of 'record' or 'alert' must be set")
        if not r.expr:
            raise self.fail(line, f"{where}: field 'expr' must be set in rule")
        try:
            return parse_expr(r.expr)
        except ValueError as exc:
            raise self.fail(expr_line, f"{where}.expr: could not parse expression: {exc}") from None

    def check_record(self, r: RuleSpec, where: str, at: Any) -> None:
        for key, value in (("for", r.for_), ("keep_firing_for", r.keep_firing_for)):
            if value is not None:
                raise self.fail(at(key), f"{where}: invalid field '{key}' in recording rule")
        if r.annotations:
            raise self.fail(at("annotations"), f"{where}: invalid field 'annotations' in recording rule")
        if not valid_name(str(r.record)):
            raise self.fail(at("record"), f"{where}: invalid recording rule name: {r.record}")

    def check_labels(self, labels: dict[str, str], r: RuleSpec, where: str, at: Any) -> None:
        for name, value in labels.items():
            if not valid_name(name) or name == "__name__":
                raise self.fail(at("labels"), f"{where}.labels: invalid label name: {name}")
            if r.alert:
                self.check_template(value, f"label {name!r}", str(r.alert), where, at("labels"))
        for name, value in r.annotations.items():
            if not valid_name(name):
                raise self.fail(at("annotations"), f"{where}.annotations: invalid annotation name: {name}")
            self.check_template(value, f"annotation {name!r}", str(r.alert), where, at("annotations"))

    def check_template(self, text: str, what: str, alert: str, where: str, line: int) -> None:
        error = check_alert_text(text, alert)
        if error:
            raise self.fail(line, f"{where}: {what}: {error}")


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)
