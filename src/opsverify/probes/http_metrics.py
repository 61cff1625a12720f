"""``/metrics`` bodies in the Prometheus text format, parsed with ``prometheus_client`` (the one place it is used),
and PromQL-style selectors (``name{label="v", other=~"re"}``, parsed with promql-parser) matched against them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..promql.regex import prometheus_matcher
from . import prometheus_promql


@dataclass(frozen=True)
class Sample:
    name: str
    family: str  # the family name: a counter's samples are ``x_total``, its family ``x``
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Selector:
    text: str
    name: str | None
    matchers: list[tuple[str, str, str]]  # (label, op, value), op one of = != =~ !~

    def matches_name(self, sample: Sample) -> bool:
        return self.name is None or self.name in (sample.name, sample.family)

    def matches_labels(self, sample: Sample) -> bool:
        return all(_match(op, sample.labels.get(label, ""), value) for label, op, value in self.matchers)


_OPS = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}


def parse_text(text: str) -> list[Sample]:
    """Every sample of an exposition; ValueError (with the parser's words) when it is not the text format."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        return [
            Sample(s.name, family.name, dict(s.labels))
            for family in text_string_to_metric_families(text)
            for s in family.samples
        ]
    except (ValueError, TypeError, IndexError) as exc:
        raise ValueError(f"not the Prometheus text format: {exc}") from None


def parse_selector(text: str) -> Selector:
    """``name{label="v"}`` -> Selector; ValueError for anything that is not a plain vector selector."""
    try:
        node = prometheus_promql.parse(text)
    except ValueError as exc:
        raise ValueError(f"bad metric selector {text!r}: {exc}") from None
    if prometheus_promql.kind(node) != "VectorSelector":
        raise ValueError(f"bad metric selector {text!r}: expected name or name{{label=...}}")
    matchers = [(m.name, _OPS[_op_name(m.op)], m.value) for m in node.matchers.matchers]
    name = node.name or next((v for label, op, v in matchers if label == "__name__" and op == "="), None)
    return Selector(text, name, [m for m in matchers if not (m[0] == "__name__" and m[1] == "=")])


def _op_name(op: Any) -> str:
    return str(op).rsplit(".", 1)[-1]


def _match(op: str, got: str, value: str) -> bool:
    if op == "=":
        return got == value
    if op == "!=":
        return got != value
    full = prometheus_matcher(value).matches(got)  # fully anchored RE2, as Prometheus matches
    return full if op == "=~" else not full


def missing(selectors: list[str], samples: list[Sample]) -> list[str]:
    """One reason per selector that matches no sample: the metric is absent, or only the labels match nothing."""
    reasons = []
    for text in selectors:
        sel = parse_selector(text)
        named = [s for s in samples if sel.matches_name(s)]
        if not named:
            reasons.append(f"{text}: metric {sel.name or text} is not exposed")
        elif not any(sel.matches_labels(s) for s in named):
            seen = sorted({_labels(s.labels) for s in named})
            shown = ", ".join(seen[:3]) + (f" and {len(seen) - 3} more" if len(seen) > 3 else "")
            reasons.append(f"{text}: {sel.name} is exposed but no sample has those labels (seen: {shown})")
    return reasons


def _labels(labels: dict[str, str]) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"
