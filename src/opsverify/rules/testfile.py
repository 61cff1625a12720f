"""promtool rule-test files (``promtool test rules``): model, validation with ``file:line``, rule_files globbing."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from opsverify.errors import SourceError
from opsverify.schema import Converter, Duration
from opsverify.yamlsrc import LDict, LList
from opsverify.yamlsrc import load as _load_yaml

from .model import check_durations, nulls_to_empty


@dataclass
class InputSeries:
    series: str
    values: str = ""


@dataclass
class ExpAlert:
    exp_labels: dict[str, str] = field(default_factory=dict)
    exp_annotations: dict[str, str] = field(default_factory=dict)
    # opsverify extension (promtool refuses the key): "subset" matches an alert carrying at least these
    exp_labels_match: Literal["exact", "subset"] = "exact"


@dataclass
class AlertCase:
    eval_time: Duration = field(default_factory=lambda: Duration(0))
    alertname: str = ""
    exp_alerts: list[ExpAlert] = field(default_factory=list)
    line: int = field(default=0, init=False)
    end_line: int = field(default=0, init=False)


@dataclass
class ExpSample:
    labels: str = ""
    value: float = 0.0
    histogram: str = ""


@dataclass
class ExprCase:
    expr: str = ""
    eval_time: Duration = field(default_factory=lambda: Duration(0))
    exp_samples: list[ExpSample] = field(default_factory=list)
    line: int = field(default=0, init=False)
    end_line: int = field(default=0, init=False)


@dataclass
class TestGroup:
    interval: Duration | None = None
    input_series: list[InputSeries] = field(default_factory=list)
    alert_rule_test: list[AlertCase] = field(default_factory=list)
    promql_expr_test: list[ExprCase] = field(default_factory=list)
    external_labels: dict[str, str] = field(default_factory=dict)
    external_url: str = ""
    name: str = ""
    start_timestamp: str = ""
    line: int = field(default=0, init=False)
    series_lines: list[int] = field(default_factory=list, init=False)
    start_ms: int = field(default=0, init=False)


@dataclass
class TestFile:
    rule_files: list[str] = field(default_factory=list)
    evaluation_interval: Duration | None = None
    group_eval_order: list[str] = field(default_factory=list)
    tests: list[TestGroup] = field(default_factory=list)
    fuzzy_compare: bool = False
    path: str = field(default="", init=False)
    resolved_rule_files: list[str] = field(default_factory=list, init=False)
    warnings: list[str] = field(default_factory=list, init=False)
    lines: list[str] = field(default_factory=list, init=False)

    @property
    def interval_ms(self) -> int:
        return round((self.evaluation_interval or 60.0) * 1000)

    def group_label(self, index: int) -> str:
        """The name a test group goes by in ids and messages: its ``name`` or its index."""
        return self.tests[index].name or str(index)


def load_test_file(path: str | Path) -> TestFile:
    """Read and validate a promtool test file; rule_files are resolved relative to it and globbed."""
    filename = str(path)
    raw = nulls_to_empty(_load_yaml(path, go_text=True))
    if raw is None:
        raw = LDict()
    check_durations(raw, filename)
    conv = Converter(filename)
    tf = conv.dataclass(raw, TestFile, "", 1)
    tf.path = filename
    tf.lines = Path(path).read_text(encoding="utf-8").splitlines()
    _attach_lines(tf, raw)
    _check(tf, raw)
    tf.resolved_rule_files, tf.warnings = resolve_rule_files(Path(path).parent, tf.rule_files)
    return tf


def resolve_rule_files(base: Path, patterns: list[str]) -> tuple[list[str], list[str]]:
    """promtool's resolveAndGlobFilepaths: relative to the test file's directory, globbed (sorted)."""
    files: list[str] = []
    warnings: list[str] = []
    for pattern in patterns:
        full = pattern if not pattern or os.path.isabs(pattern) else os.path.join(base, pattern)
        matches = sorted(glob.glob(full))
        if not matches:
            warnings.append(f"no file match pattern {full}")
        files.extend(matches)
    return files, warnings


def _max_line(value: Any) -> int:
    best = int(getattr(value, "line", 0) or 0)
    if isinstance(value, dict):
        for k, v in value.items():
            best = max(best, value.line_of(k) if isinstance(value, LDict) else 0, _max_line(v))
    elif isinstance(value, list):
        for v in value:
            best = max(best, _max_line(v))
    return best


def _items(raw: Any, key: str) -> LList:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, LList) else LList()


def _attach_lines(tf: TestFile, raw: Any) -> None:
    groups = _items(raw, "tests")
    for gi, group in enumerate(tf.tests):
        graw = groups[gi] if gi < len(groups) else LDict()
        group.line = groups.line_of(gi)
        group.series_lines = [int(getattr(s, "line", 0)) for s in _items(graw, "input_series")]
        cases: list[AlertCase | ExprCase] = [*group.alert_rule_test]
        rows = [(_items(graw, "alert_rule_test"), i) for i in range(len(group.alert_rule_test))]
        cases += group.promql_expr_test
        rows += [(_items(graw, "promql_expr_test"), i) for i in range(len(group.promql_expr_test))]
        for case, (items, ci) in zip(cases, rows, strict=True):
            case.line = items.line_of(ci)
            case.end_line = max(case.line, _max_line(items[ci] if ci < len(items) else None))


def _check(tf: TestFile, raw: Any) -> None:
    seen: set[str] = set()
    order = _items(raw, "group_eval_order")
    for i, name in enumerate(tf.group_eval_order):
        if name in seen:
            raise SourceError(tf.path, order.line_of(i), f"group name repeated in evaluation order: {name}")
        seen.add(name)
    groups = _items(raw, "tests")
    for gi, group in enumerate(tf.tests):
        graw = groups[gi] if gi < len(groups) else LDict()
        if group.start_timestamp:
            line = graw.line_of("start_timestamp") if isinstance(graw, LDict) else group.line
            group.start_ms = parse_start_timestamp(group.start_timestamp, tf.path, line)
        _check_float_values(graw, tf.path, gi)
        for ci, case in enumerate(group.alert_rule_test):
            if not case.alertname:
                where = f"tests[{gi}].alert_rule_test[{ci}]"
                raise SourceError(tf.path, case.line, f"{where}: missing required key 'alertname'")
        for ci, expr_case in enumerate(group.promql_expr_test):
            for si, sample in enumerate(expr_case.exp_samples):
                if sample.histogram:
                    where = f"tests[{gi}].promql_expr_test[{ci}].exp_samples[{si}].histogram"
                    raise SourceError(tf.path, expr_case.line, f"{where}: native histograms are not supported")


def parse_start_timestamp(text: str, filename: str, line: int) -> int:
    """promtool's parseTime: Unix seconds (a float) or RFC 3339; in ms."""
    try:
        return round(float(text) * 1000) if _UNIX.match(text) else _rfc3339_ms(text)
    except ValueError:
        raise SourceError(filename, line, f'start_timestamp: cannot parse "{text}" to a valid timestamp') from None


_UNIX = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def _rfc3339_ms(text: str) -> int:
    if not _RFC3339.match(text):
        raise ValueError(text)
    head, frac, zone = re.split(r"(\.\d+)?(?=Z$|[+-]\d{2}:\d{2}$)", text, maxsplit=1)
    stamp = datetime.fromisoformat(head + (zone.replace("Z", "+00:00")))
    return round(stamp.timestamp() * 1000) + (round(float(frac) * 1000) if frac else 0)


# Go's YAML decoder reads these words as text, so a float field refuses them (only .nan/.inf are floats).
_NOT_GO_FLOATS = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _check_float_values(graw: Any, filename: str, gi: int) -> None:
    for ci, case in enumerate(_items(graw, "promql_expr_test")):
        for si, sample in enumerate(_items(case, "exp_samples")):
            value = sample.get("value") if isinstance(sample, LDict) else None
            if isinstance(value, str) and value.lower() in _NOT_GO_FLOATS:
                where = f"tests[{gi}].promql_expr_test[{ci}].exp_samples[{si}].value"
                line = sample.line_of("value")
                raise SourceError(filename, line, f"{where}: cannot unmarshal !!str `{value}` into float64")
