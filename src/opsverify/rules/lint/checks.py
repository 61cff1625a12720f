"""The lint checks, one function per check id; each yields ``(line, check id, message)`` for one rule."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import promql_parser

from ..deps import children
from ..model import Rule
from .labelflow import result_labels

Hit = tuple[int, str, str]
_RATE_FUNCS = {"rate", "irate", "increase", "delta", "idelta", "deriv"}
_COUNTER_FUNCS = {"rate", "irate", "increase"}
_COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket", "_created", "_seconds_total")
_SMOOTHED = {"absent", "absent_over_time", "changes", "resets", "time", "timestamp", "predict_linear"}
_LABEL_REF = re.compile(
    r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)|\.Labels\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\$labels\s+\"([^\"]+)\""
)
_RECORD_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_:]*:[a-zA-Z0-9_]+$")
_COMPARISONS = {">", "<", ">=", "<=", "==", "!="}


@dataclass
class Options:
    severities: list[str] = field(default_factory=lambda: ["critical", "warning", "info"])
    annotations: list[str] = field(default_factory=lambda: ["summary", "description"])
    scrape_interval_ms: int = 60_000


def nodes(node: Any) -> Iterator[Any]:
    """Every node of a PromQL AST, depth first."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None or isinstance(n, str | int | float):
            continue
        yield n
        stack.extend(children(n))


def _calls(rule: Rule, names: set[str]) -> Iterator[Any]:
    for n in nodes(rule.parsed):
        if isinstance(n, promql_parser.Call) and str(n.func.name) in names:
            yield n


def _at(rule: Rule, key: str) -> int:
    return rule.key_lines.get(key, rule.line)


def check_for(rule: Rule, opts: Options) -> Iterator[Hit]:
    if rule.kind != "alert" or rule.for_ms > 0:
        return
    ops = [str(n.op) for n in nodes(rule.parsed) if isinstance(n, promql_parser.BinaryExpr)]
    smoothed = any(str(n.func.name) in _SMOOTHED or str(n.func.name).endswith("_over_time") for n in _calls_any(rule))
    if any(op in _COMPARISONS for op in ops) and not smoothed:
        yield (
            _at(rule, "expr"),
            "alerts/for",
            f"alert {rule.name} has no `for`: one evaluation over the threshold fires it",
        )


def _calls_any(rule: Rule) -> Iterator[Any]:
    return (n for n in nodes(rule.parsed) if isinstance(n, promql_parser.Call))


def check_severity(rule: Rule, opts: Options) -> Iterator[Hit]:
    if rule.kind != "alert":
        return
    severity = rule.labels.get("severity")
    if severity is None:
        yield rule.line, "alerts/severity", f"alert {rule.name} has no severity label"
    elif "{{" not in severity and severity not in opts.severities:
        allowed = ", ".join(opts.severities)
        yield (
            _at(rule, "labels"),
            "alerts/severity",
            f"alert {rule.name}: severity {severity!r} is not one of {allowed}",
        )


def check_annotations(rule: Rule, opts: Options) -> Iterator[Hit]:
    if rule.kind != "alert":
        return
    missing = [a for a in opts.annotations if not rule.annotations.get(a)]
    if missing:
        line = _at(rule, "annotations")
        yield line, "alerts/annotation", f"alert {rule.name} has no {', '.join(missing)} annotation"


def check_template_labels(rule: Rule, opts: Options) -> Iterator[Hit]:
    if rule.kind != "alert":
        return
    labels = result_labels(rule.parsed)
    for where, texts in (("labels", rule.labels), ("annotations", rule.annotations)):
        for key, text in texts.items():
            for m in _LABEL_REF.finditer(text):
                name = m.group(1) or m.group(2) or m.group(3)
                if name != "__name__" and not labels.can_have(name):
                    yield (
                        _at(rule, where),
                        "alerts/template-label",
                        f"alert {rule.name}: {where[:-1]} {key!r} reads label {name!r}, which `{_short(rule.expr)}`"
                        " cannot produce (renders empty)",
                    )


def _short(expr: str) -> str:
    one = " ".join(expr.split())
    return one if len(one) <= 60 else one[:57] + "..."


def check_rate_range(rule: Rule, opts: Options) -> Iterator[Hit]:
    for call in _calls(rule, _RATE_FUNCS):
        arg = call.args[0] if call.args else None
        if isinstance(arg, promql_parser.MatrixSelector) and arg.range is not None:
            range_ms = int(arg.range.total_seconds() * 1000)
            if range_ms < 4 * opts.scrape_interval_ms:
                need = 4 * opts.scrape_interval_ms // 1000
                yield (
                    _at(rule, "expr"),
                    "promql/rate-range",
                    f"{call.func.name}() over {range_ms // 1000}s: under 4x the scrape interval ({need}s), one missed"
                    " scrape leaves it empty",
                )


def check_rate_gauge(rule: Rule, opts: Options) -> Iterator[Hit]:
    for call in _calls(rule, _COUNTER_FUNCS):
        arg = call.args[0] if call.args else None
        sel = arg.vector_selector if isinstance(arg, promql_parser.MatrixSelector) else None
        name = str(sel.name) if sel is not None and sel.name else ""
        if name and ":" not in name and not name.endswith(_COUNTER_SUFFIXES):
            yield (
                _at(rule, "expr"),
                "promql/rate-gauge",
                f"{call.func.name}({name}[...]): {name} does not look like a counter",
            )


def check_absent_regex(rule: Rule, opts: Options) -> Iterator[Hit]:
    for call in _calls(rule, {"absent", "absent_over_time"}):
        arg = call.args[0] if call.args else None
        sel = arg.vector_selector if isinstance(arg, promql_parser.MatrixSelector) else arg
        if isinstance(sel, promql_parser.VectorSelector):
            regex = [m.name for m in sel.matchers.matchers if str(m.op).rsplit(".", 1)[-1] in ("Re", "NotRe")]
            if regex:
                yield (
                    _at(rule, "expr"),
                    "promql/absent-regex",
                    f"{call.func.name}() with a regex matcher on {', '.join(regex)}: its result cannot carry that"
                    " label and one matching series hides the others' absence",
                )


def check_rate_eq_zero(rule: Rule, opts: Options) -> Iterator[Hit]:
    for n in nodes(rule.parsed):
        if isinstance(n, promql_parser.BinaryExpr) and str(n.op) in ("==", "!="):
            sides = (n.lhs, n.rhs)
            zero = any(isinstance(s, promql_parser.NumberLiteral) and s.val == 0 for s in sides)
            rated = any(
                isinstance(c, promql_parser.Call) and str(c.func.name) in _RATE_FUNCS for s in sides for c in nodes(s)
            )
            if zero and rated:
                yield (
                    _at(rule, "expr"),
                    "promql/rate-eq-zero",
                    f"rate compared with {n.op} 0: extrapolated floats are rarely exactly 0; use < or >",
                )


def check_record_name(rule: Rule, opts: Options) -> Iterator[Hit]:
    if rule.kind == "record" and not _RECORD_NAME.match(rule.name):
        yield _at(rule, "record"), "rule/record-name", f"recording rule {rule.name!r} is not level:metric:operations"


PER_RULE = [
    check_for,
    check_severity,
    check_annotations,
    check_template_labels,
    check_rate_range,
    check_rate_gauge,
    check_absent_regex,
    check_rate_eq_zero,
    check_record_name,
]
