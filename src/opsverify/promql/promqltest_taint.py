"""Series a promqltest file loads that this evaluator refuses (native histograms, start timestamps).

Float series are loaded as usual; refused series are remembered so that any eval whose selectors would
read them is reported as unsupported instead of being answered wrongly.
"""

from __future__ import annotations

import re
from typing import Any

from opsverify.errors import SourceError
from opsverify.promql.model import NAME, get_label, with_label, without
from opsverify.promql.notation import parse_selector_labels, parse_series_line, split_series_line
from opsverify.promql.promqltest_parse import LoadCmd
from opsverify.promql.selectors import matcher_fn
from opsverify.promql.storage import Storage
from opsverify.promql.values import Labels, PromQLError

_ST_LINE = re.compile(r"^[^\s{]*(\{[^}]*\})?@st\s")
_SUFFIXES = ("_bucket", "_count", "_sum")


class Tainted:
    def __init__(self) -> None:
        self.series: dict[Labels, str] = {}

    def clear(self) -> None:
        self.series.clear()

    def add(self, labels: Labels, reason: str) -> None:
        self.series.setdefault(labels, reason)

    def reason(self, node: Any) -> str | None:
        if not self.series:
            return None
        for vs in _selectors(node):
            ors = list(getattr(vs.matchers, "or_matchers", None) or [])
            groups = [list(g) + list(vs.matchers.matchers) for g in ors] or [list(vs.matchers.matchers)]
            for group in groups:
                match = matcher_fn(group, vs.name)
                for labels, why in self.series.items():
                    if match(labels):
                        return why
        return None


def _selectors(node: Any) -> list[Any]:
    kind = type(node).__name__
    if kind == "VectorSelector":
        return [node]
    if kind == "MatrixSelector":
        return [node.vector_selector]
    children: list[Any] = []
    for attr in ("expr", "lhs", "rhs", "param"):
        child = getattr(node, attr, None)
        if child is not None and type(child).__module__.startswith("promql_parser"):
            children.append(child)
    children += list(getattr(node, "args", None) or [])
    return [vs for child in children for vs in _selectors(child)]


def load_block(storage: Storage, tainted: Tainted, cmd: LoadCmd, path: str) -> None:
    text_lines = []
    for lineno, line in cmd.lines:
        try:
            if _ST_LINE.match(line):
                selector = line.split("@st", 1)[0]
                tainted.add(parse_selector_labels(selector), "start timestamps (@st)")
                continue
            if "{{" in line:
                tainted.add(parse_selector_labels(split_series_line(line)[0]), "native histograms")
                continue
            if cmd.nhcb:
                _taint_nhcb(tainted, line)
        except PromQLError as exc:
            raise SourceError(path, lineno, str(exc)) from None
        text_lines.append((lineno, line))
    for lineno, line in text_lines:
        storage.load(line, cmd.interval_ms, file=path, first_line=lineno)


def _taint_nhcb(tainted: Tainted, line: str) -> None:
    labels, _ = parse_series_line(line)
    name = get_label(labels, NAME)
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            base = with_label(without(labels, {"le"}), NAME, name[: -len(suffix)])
            tainted.add(base, "native histograms (load_with_nhcb)")
