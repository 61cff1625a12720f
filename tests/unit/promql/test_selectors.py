"""Selectors: matchers, lookback and range windows (left-open, right-closed), offset, @."""

from __future__ import annotations

import pytest

from opsverify.promql import Engine, InstantVector, PromQLError, RangeResult, Storage


@pytest.fixture
def engine() -> Engine:
    storage = Storage()
    storage.load(
        """
        m{job="api", path="/a"} 0+1x10
        m{job="api", path="/b"} 0+2x10
        m{job="db", path="/A"} 0+3x10
        """
    )
    return Engine(storage)


def values(result: object) -> dict[str, float]:
    assert isinstance(result, InstantVector)
    return {s.labels.get("path", ""): s.value for s in result}


@pytest.mark.parametrize(
    ("selector", "paths"),
    [
        ('m{job="api"}', {"/a", "/b"}),
        ('m{job!="api"}', {"/A"}),
        ('m{path=~"/a"}', {"/a"}),
        ('m{path=~"a"}', set()),  # fully anchored
        ('m{path!~"/a|/b"}', {"/A"}),
        ('m{path=~"(?i)/a"}', {"/a", "/A"}),
        ('{__name__=~"m", path=~"/[[:upper:]]"}', {"/A"}),
        ('m{path="/a" or job="db", path="/A"}', {"/a", "/A"}),
    ],
)
def test_matchers(engine: Engine, selector: str, paths: set[str]) -> None:
    assert set(values(engine.instant(selector, 60_000))) == paths


def test_lookback_excludes_sample_exactly_five_minutes_old() -> None:
    storage = Storage()
    storage.add({"__name__": "x"}, [(0, 1.0)])
    engine = Engine(storage)
    assert len(engine.instant("x", 299_999)) == 1  # type: ignore[arg-type]
    assert len(engine.instant("x", 300_000)) == 0  # type: ignore[arg-type]


def test_range_window_is_left_open_right_closed(engine: Engine) -> None:
    result = engine.instant('m{path="/a"}[2m]', 120_000)
    assert isinstance(result, RangeResult)
    assert result.series[0].points == [(60_000, 1.0), (120_000, 2.0)]
    count = engine.instant('count_over_time(m{path="/a"}[1m])', 120_000)
    assert values(count) == {"/a": 2.0 - 1.0}


def test_offset_and_negative_offset(engine: Engine) -> None:
    assert values(engine.instant('m{path="/a"} offset 2m', 300_000)) == {"/a": 3.0}
    assert values(engine.instant('m{path="/a"} offset -2m', 300_000)) == {"/a": 7.0}


def test_at_modifier_with_start_and_end(engine: Engine) -> None:
    result = engine.range('m{path="/a"} @ start()', 120_000, 240_000, 60_000)
    assert [v for _, v in result.series[0].points] == [2.0, 2.0, 2.0]
    result = engine.range('m{path="/a"} @ end()', 120_000, 240_000, 60_000)
    assert [v for _, v in result.series[0].points] == [4.0, 4.0, 4.0]
    assert values(engine.instant('m{path="/a"} @ 180', 600_000)) == {"/a": 3.0}


def test_subquery_with_and_without_step(engine: Engine) -> None:
    assert values(engine.instant('sum_over_time(m{path="/a"}[3m:1m])', 300_000)) == {"/a": 3 + 4 + 5}
    assert values(engine.instant('count_over_time(m{path="/a"}[4m:2m])', 300_000)) == {"/a": 2}
    no_step = engine.instant('count_over_time(m{path="/a"}[5m:])', 300_000)
    assert values(no_step) == {"/a": 5}


def test_bad_regex_is_a_promql_error(engine: Engine) -> None:
    with pytest.raises(PromQLError, match="regex"):
        engine.instant('m{path=~"("}', 0)
