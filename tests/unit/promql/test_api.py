"""The public API the rules engine is written against."""

from __future__ import annotations

import math

import pytest

from opsverify.promql import (
    STALE_NAN,
    Engine,
    InstantVector,
    PromQLError,
    RangeResult,
    Sample,
    Scalar,
    Series,
    Storage,
    String,
    UnsupportedError,
)


def test_add_merges_and_keeps_samples_sorted() -> None:
    storage = Storage()
    storage.add({"__name__": "x", "a": "1"}, [(120_000, 3.0), (0, 1.0)])
    storage.add({"a": "1", "__name__": "x"}, [(60_000, 2.0), (120_000, 4.0)])
    result = Engine(storage).range("x", 0, 120_000, 60_000)
    assert result.series == [Series({"__name__": "x", "a": "1"}, [(0, 1.0), (60_000, 2.0), (120_000, 4.0)])]


def test_load_series_promtool_style() -> None:
    storage = Storage()
    storage.load_series({'up{job="api"}': "1 1 0x2", 'up{job="db"}': "1x3"}, interval_ms=30_000)
    result = Engine(storage).instant("up == 0", 90_000)
    assert isinstance(result, InstantVector)
    assert result.samples == [Sample({"__name__": "up", "job": "api"}, 0.0, 90_000)]


def test_readable_reprs() -> None:
    storage = Storage()
    storage.load('up{job="api"} 1 1')
    engine = Engine(storage)
    assert repr(engine.instant("up", 60_000)) == 'up{job="api"} => 1 @ 60000'
    assert repr(engine.instant("1 + 1", 0)) == "scalar 2 @ 0"
    assert repr(engine.range("up", 0, 60_000, 60_000)) == 'up{job="api"} => 1 @ 0 1 @ 60000'


def test_result_types() -> None:
    storage = Storage()
    storage.load("m 1 2 3")
    engine = Engine(storage)
    assert isinstance(engine.instant('"text"', 0), String)
    assert engine.instant("scalar(m)", 120_000) == Scalar(3.0, 120_000)
    assert isinstance(engine.instant("m[2m]", 120_000), RangeResult)
    scalar_range = engine.range("time()", 0, 120_000, 60_000)
    assert scalar_range.series == [Series({}, [(0, 0.0), (60_000, 60.0), (120_000, 120.0)])]


def test_range_query_of_a_range_vector_is_an_error() -> None:
    with pytest.raises(PromQLError, match="range vector"):
        Engine(Storage()).range("m[5m]", 0, 60_000, 60_000)


def test_many_to_many_matching_is_an_error() -> None:
    storage = Storage()
    storage.load('a{x="1", y="1"} 1\na{x="1", y="2"} 1\nb{x="1", y="1"} 1\nb{x="1", y="2"} 1')
    with pytest.raises(PromQLError, match="many-to-many matching not allowed"):
        Engine(storage).instant("a + on(x) b", 0)


def test_duplicate_labelset_after_label_change_is_an_error() -> None:
    storage = Storage()
    storage.load('a{x="1"} 1\na{x="2"} 1')
    with pytest.raises(PromQLError, match="vector cannot contain metrics with the same labelset"):
        Engine(storage).instant('label_replace(a, "x", "same", "x", ".*")', 0)


def test_unsupported_features_are_refused_not_answered() -> None:
    storage = Storage()
    with pytest.raises(UnsupportedError, match="native histograms are not supported"):
        storage.load("h {{schema:0 sum:1 count:1}}")
    with pytest.raises(UnsupportedError, match="info"):
        Engine(storage).instant("info(up)", 0)


def test_stale_marker_ends_a_series() -> None:
    storage = Storage()
    storage.add({"__name__": "m"}, [(0, 1.0), (60_000, STALE_NAN), (120_000, math.nan)])
    engine = Engine(storage)
    assert len(engine.instant("m", 30_000)) == 1  # type: ignore[arg-type]
    assert len(engine.instant("m", 90_000)) == 0  # type: ignore[arg-type]
    nan = engine.instant("m", 120_000)
    assert isinstance(nan, InstantVector) and math.isnan(nan.samples[0].value)
    assert engine.instant("count_over_time(m[5m])", 120_000).samples[0].value == 2  # type: ignore[union-attr]


def test_lookback_is_configurable() -> None:
    storage = Storage()
    storage.add({"__name__": "m"}, [(0, 1.0)])
    assert len(Engine(storage, lookback_ms=60_000).instant("m", 60_000)) == 0  # type: ignore[arg-type]
    assert len(Engine(storage, lookback_ms=60_001).instant("m", 60_000)) == 1  # type: ignore[arg-type]


def test_range_and_instant_agree() -> None:
    storage = Storage()
    storage.load('http_total{job="a"} 0+10x30\nhttp_total{job="b"} 0+3x30')
    engine = Engine(storage)
    expr = "sum by (job) (rate(http_total[5m])) > 0.1"
    ranged = engine.range(expr, 0, 1_800_000, 60_000)
    for series in ranged:
        for t, v in series.points:
            instant = engine.instant(expr, t)
            assert isinstance(instant, InstantVector)
            assert [s.value for s in instant if s.labels == series.labels] == [v]


def test_utf8_names_are_quoted_in_reprs() -> None:
    storage = Storage()
    storage.load('{"my.metric", "some.label"="x"} 1')
    assert repr(Engine(storage).instant('{"my.metric"}', 0)) == '{"my.metric", "some.label"="x"} => 1 @ 0'
