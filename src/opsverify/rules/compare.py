"""Expected-vs-got values of rule-test cases and their promtool-style text."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .template.gofmt import go_quote, shortest_digits

Pairs = tuple[tuple[str, str], ...]


def labels_str(pairs: Pairs) -> str:
    """Prometheus labels.Labels.String(): ``{a="b", c="d"}``."""
    return "{" + ", ".join(f"{k}={go_quote(v)}" for k, v in pairs) + "}"


@dataclass(frozen=True, order=True)
class AlertView:
    labels: Pairs
    annotations: Pairs

    @classmethod
    def of(cls, labels: dict[str, str], annotations: dict[str, str]) -> AlertView:
        return cls(tuple(sorted(labels.items())), tuple(sorted(annotations.items())))

    def text(self) -> str:
        return f"Labels:{labels_str(self.labels)}\nAnnotations:{labels_str(self.annotations)}"


def alerts_match(expected: list[tuple[AlertView, bool]], got: list[AlertView]) -> bool:
    """Each expected alert matches a different firing alert, and none is left over. An expected alert flagged
    ``subset`` (``exp_labels_match: subset``) matches an alert carrying at least its labels and annotations."""
    if len(expected) != len(got):
        return False

    def fits(exp: AlertView, partial: bool, alert: AlertView) -> bool:
        if not partial:
            return exp == alert
        return set(exp.labels) <= set(alert.labels) and set(exp.annotations) <= set(alert.annotations)

    taken: list[int | None] = [None] * len(got)  # got index -> expected index (bipartite matching, augmenting paths)

    def assign(i: int, seen: set[int]) -> bool:
        for j, alert in enumerate(got):
            if j not in seen and fits(*expected[i], alert):
                seen.add(j)
                owner = taken[j]
                if owner is None or assign(owner, seen):
                    taken[j] = i
                    return True
        return False

    return all(assign(i, set()) for i in range(len(expected)))


def indent_lines(text: str, indent: str) -> str:
    return ("\n" + indent).join(text.split("\n"))


def alerts_str(alerts: list[AlertView]) -> str:
    """promtool's labelsAndAnnotations.String()."""
    if not alerts:
        return "[]"
    parts = [f"{i}:" + indent_lines("\n" + a.text(), "  ") for i, a in enumerate(alerts)]
    return "[\n" + ",\n".join(parts) + "\n]"


@dataclass(frozen=True)
class SampleView:
    labels: Pairs
    value: float

    def text(self) -> str:
        return f"{labels_str(self.labels)} {format_float_e(self.value)}"


def format_float_e(x: float) -> str:
    """strconv.FormatFloat(x, 'E', -1, 64): shortest digits, always exponent form (``1E+00``, ``1.5E-03``)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    if x == 0:
        return ("-" if math.copysign(1, x) < 0 else "") + "0E+00"
    ds, e = shortest_digits(abs(x))
    body = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    return ("-" if x < 0 else "") + f"{body}E{'-' if e < 0 else '+'}{abs(e):02d}"


def samples_str(samples: list[SampleView]) -> str:
    return ", ".join(s.text() for s in samples) if samples else "nil"


def samples_equal(exp: list[SampleView], got: list[SampleView], fuzzy: bool) -> bool:
    if len(exp) != len(got):
        return False
    for e, g in zip(exp, got, strict=True):
        if e.labels != g.labels:
            return False
        if not floats_equal(e.value, g.value, fuzzy):
            return False
    return True


def floats_equal(x: float, y: float, fuzzy: bool) -> bool:
    """promtool's comparison: exact (NaN never equal), or with fuzzy_compare within one ULP either way."""
    if x == y:
        return True
    return fuzzy and (math.nextafter(x, -math.inf) == y or math.nextafter(x, math.inf) == y)


def go_duration(ms: int) -> str:
    """Go time.Duration.String() for whole milliseconds: ``0s``, ``5m0s``, ``1h0m0s``, ``1.5s``."""
    if ms == 0:
        return "0s"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s = f"{rest // 1000}" + (f".{rest % 1000:03d}".rstrip("0") if rest % 1000 else "") + "s"
    if h:
        return f"{sign}{h}h{m}m{s}"
    if m:
        return f"{sign}{m}m{s}"
    if ms < 1000:
        return f"{sign}{ms}ms"
    return sign + s


def json_diff(expected: list[AlertView], got: list[AlertView]) -> str:
    """promtool --diff: expected and got alerts as JSON (an empty side as one empty alert, as promtool does),
    merged as github.com/nsf/jsondiff prints them."""
    from .jsondiff import compare

    def doc(alerts: list[AlertView]) -> list[dict[str, dict[str, str]]]:
        items = [{"Labels": dict(a.labels), "Annotations": dict(a.annotations)} for a in alerts]
        return items or [{"Labels": {}, "Annotations": {}}]

    return compare(doc(expected), doc(got))
