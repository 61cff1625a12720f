"""Comparing an evaluation result with a promqltest eval command's expectations, as promqltest does."""

from __future__ import annotations

import math
import re

from opsverify.promql.notation import NotationError
from opsverify.promql.promqltest_parse import EvalCmd
from opsverify.promql.regex import RegexError, compile_go
from opsverify.promql.values import (
    InstantVector,
    Labels,
    RangeResult,
    Scalar,
    String,
    format_labels,
    format_value,
    is_stale,
    make_labels,
)

Result = InstantVector | Scalar | String | RangeResult
_MIN_NORMAL = 2.2250738585072014e-308
_EPSILON = 1e-6
# A trailing "(line:col)" in a message, or its escaped forms in a regex; positions are not compared.
_POSITION = re.compile(r"\s*(?:\(\d+:\d+\)|\\\(\d+:\d+\\\)|\\\(\[0-9\]\+:\[0-9\]\+\\\))\s*$")


class Mismatch(Exception):
    """The result differs from what the test file expects."""


def almost_equal(a: float, b: float, eps: float = _EPSILON) -> bool:
    """promqltest's comparison: StaleNaN only equals StaleNaN, NaN equals NaN, relative tolerance otherwise."""
    if is_stale(a) or is_stale(b):
        return is_stale(a) and is_stale(b)
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    abs_sum = abs(a) + abs(b)
    diff = abs(a - b)
    if a == 0 or b == 0 or abs_sum < _MIN_NORMAL:
        return diff < eps * _MIN_NORMAL
    return diff / min(abs_sum, 1.7976931348623157e308) < eps


def _show(labels: Labels) -> str:
    return format_labels(dict(labels))


def compare(cmd: EvalCmd, result: Result) -> None:
    if isinstance(result, RangeResult):
        _compare_matrix(cmd, result)
    elif isinstance(result, InstantVector):
        _compare_vector(cmd, result)
    elif isinstance(result, Scalar):
        if cmd.scalar is None:
            raise Mismatch(f"expected vector or matrix result, but got scalar {format_value(result.value)}")
        if not almost_equal(cmd.scalar, result.value):
            raise Mismatch(f"expected scalar {format_value(cmd.scalar)} but got {format_value(result.value)}")
    elif cmd.string != result.value:
        raise Mismatch(f'expected string "{cmd.string}" but got "{result.value}"')


def _expected(cmd: EvalCmd) -> dict[Labels, list[float | None]]:
    return {e.labels: e.values for e in cmd.series}


def _compare_matrix(cmd: EvalCmd, result: RangeResult) -> None:
    if cmd.ordered:
        raise Mismatch("expected ordered result, but query returned a matrix")
    if cmd.scalar is not None:
        raise Mismatch("expected scalar result, but got matrix")
    expected = _expected(cmd)
    seen = set()
    for series in result.series:
        key = make_labels(series.labels)
        if key not in expected:
            raise Mismatch(f"unexpected metric {_show(key)} in result, has {series.points}")
        seen.add(key)
        want = []
        for i, v in enumerate(expected[key]):
            t = cmd.start + i * cmd.step
            if t > cmd.end:
                raise Mismatch(f"expected {len(expected[key])} points for {_show(key)}, more than the query returns")
            if v is not None:
                want.append((t, v))
        if len(want) != len(series.points):
            raise Mismatch(f"expected {len(want)} float points for {_show(key)}, but got {series.points}")
        for (et, ev), (at, av) in zip(want, series.points, strict=True):
            if et != at or not almost_equal(ev, av):
                raise Mismatch(f"expected {format_value(ev)} @ {et} for {_show(key)}, got {format_value(av)} @ {at}")
    _check_missing(expected, seen)


def _check_missing(expected: dict[Labels, list[float | None]], seen: set[Labels]) -> None:
    for key in expected:
        if key not in seen:
            raise Mismatch(f"expected metric {_show(key)} not found")


def _compare_vector(cmd: EvalCmd, result: InstantVector) -> None:
    if cmd.scalar is not None:
        raise Mismatch("expected scalar result, but got vector")
    expected = {e.labels: e for e in cmd.series}
    seen = set()
    for pos, sample in enumerate(result.samples, start=1):
        key = make_labels(sample.labels)
        exp = expected.get(key)
        if exp is None:
            raise Mismatch(f"unexpected metric {_show(key)} in result, has value {format_value(sample.value)}")
        if cmd.ordered and exp.pos != pos:
            raise Mismatch(f"expected metric {_show(key)} at position {exp.pos} but was at {pos}")
        want = exp.values[0] if exp.values else None
        if want is None or not almost_equal(want, sample.value):
            raise Mismatch(f"expected {want} for {_show(key)} but got {format_value(sample.value)}")
        seen.add(key)
    _check_missing({k: e.values for k, e in expected.items()}, seen)


def strip_position(text: str) -> str:
    return _POSITION.sub("", text).strip()


def matches(kind: str, pattern: str, message: str) -> bool:
    if kind == "any":
        return True
    if kind == "msg":
        return strip_position(pattern) == strip_position(message)
    try:
        return compile_go(strip_position(pattern)).matches(message)  # promqltest's regexes are Go's
    except RegexError:
        raise NotationError(f"bad regex {pattern!r}") from None


def check_annotations(cmd: EvalCmd, annotations: list[tuple[str, str]]) -> None:
    warns = [t for k, t in annotations if k == "warn"]
    infos = [t for k, t in annotations if k == "info"]
    if cmd.mode == "warn" and not warns:
        raise Mismatch("expected warnings but got none")
    if cmd.mode == "info" and not infos:
        raise Mismatch("expected info annotations but got none")
    for kind, actual in (("warn", warns), ("info", infos)):
        wanted = cmd.expects.get(kind, [])
        if wanted and not actual:
            raise Mismatch(f"expected {kind} annotations but none were found")
        for how, pat in wanted:
            if not any(matches(how, pat, a) for a in actual):
                raise Mismatch(f"expected {kind} annotation matching {pat!r}, found {actual}")
        if wanted:
            for a in actual:
                if not any(matches(how, pat, a) for how, pat in wanted):
                    raise Mismatch(f"unexpected {kind} annotation {a!r}")
    if "no_warn" in cmd.expects and warns:
        raise Mismatch(f"unexpected warning annotations: {warns}")
    if "no_info" in cmd.expects and infos:
        raise Mismatch(f"unexpected info annotations: {infos}")


def _go_search(pattern: str, message: str) -> bool:
    try:
        return compile_go(pattern).matches(message)
    except RegexError:
        raise NotationError(f"bad regex {pattern!r}") from None


def check_failure(cmd: EvalCmd, message: str) -> None:
    if cmd.fail_message is not None and cmd.fail_message != message:
        raise Mismatch(f"expected error {cmd.fail_message!r}, got {message!r}")
    if cmd.fail_regexp is not None and not _go_search(cmd.fail_regexp, message):
        raise Mismatch(f"expected error matching {cmd.fail_regexp!r}, got {message!r}")
    wanted = cmd.expects.get("fail", [])
    if wanted and not matches(wanted[0][0], wanted[0][1], message):
        raise Mismatch(f"expected error matching {wanted[0][1]!r}, got {message!r}")
