"""Series notation as promtool/promqltest read it."""

from __future__ import annotations

import math

import pytest

from opsverify.errors import SourceError
from opsverify.promql import STALE_NAN, Storage, is_stale
from opsverify.promql.notation import NotationError, expand_values, parse_series_line
from opsverify.promql.values import UnsupportedError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1+1x3", [1, 2, 3, 4]),
        ("10-2x2", [10, 8, 6]),
        ("5x2", [5, 5, 5]),
        ("10+10x2 30+20x2", [10, 20, 30, 30, 50, 70]),
        ("1e3 -1.5 .5 +2", [1000, -1.5, 0.5, 2]),
        ("1e2+1e1x1", [100, 110]),
        ("-1-1x2", [-1, -2, -3]),
        ("0x3", [0, 0, 0, 0]),
    ],
)
def test_expansions(text: str, expected: list[float]) -> None:
    assert expand_values(text) == expected


def test_blanks_and_special_values() -> None:
    values = expand_values("_ _x2 1 NaN Inf -Inf stale")
    assert values[:4] == [None, None, None, 1.0]
    assert math.isnan(values[4]) and not is_stale(values[4])  # type: ignore[arg-type]
    assert values[5] == math.inf and values[6] == -math.inf
    assert is_stale(values[7])  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["1+", "x3", "1+1x", "abc", "1++1x2"])
def test_bad_terms_raise(bad: str) -> None:
    with pytest.raises(NotationError, match="bad series term"):
        expand_values(bad)


def test_native_histograms_are_refused() -> None:
    with pytest.raises(UnsupportedError, match="native histograms are not supported"):
        expand_values("{{schema:0 sum:1 count:1}}")


def test_selector_with_escapes_and_unicode() -> None:
    labels, values = parse_series_line('m{a="x\\"y", b="é ✓", c="back\\\\slash"} 1 2')
    assert dict(labels) == {"__name__": "m", "a": 'x"y', "b": "é ✓", "c": "back\\slash"}
    assert values == [1.0, 2.0]


def test_quoted_metric_name_and_braces_in_values() -> None:
    labels, _ = parse_series_line('{"my.metric", a="}{"} 7')
    assert dict(labels) == {"__name__": "my.metric", "a": "}{"}


def test_load_error_names_file_line_and_term() -> None:
    storage = Storage()
    with pytest.raises(SourceError) as info:
        storage.load("ok 1 2\nbad 1 2y\n", file="rules.test", first_line=10)
    assert str(info.value) == "rules.test:11: bad series term '2y'"


def test_stale_is_distinct_from_nan() -> None:
    assert is_stale(STALE_NAN)
    assert not is_stale(math.nan)
    assert not is_stale(1.0)
