"""Selected functions against values worked out by hand from Prometheus' definitions."""

from __future__ import annotations

import math

import pytest

from opsverify.promql import Engine, InstantVector, Storage
from opsverify.promql.functions.labelfuncs import go_expand
from opsverify.promql.regex import compile_go
from opsverify.promql.xxhash import xxh64


@pytest.fixture
def engine() -> Engine:
    s = Storage()
    s.load(
        """
        c_total{i="a"} 0+10x10
        c_total{i="b"} 0 10 20 5 15
        g{i="a"} 1 3 2 5
        req_bucket{le="0.1"} 0+1x10
        req_bucket{le="1"} 0+3x10
        req_bucket{le="+Inf"} 0+4x10
        v{a="x-1"} 1
        v{a="x-10"} 2
        v{a="x-2"} 3
        """
    )
    return Engine(s)


def one(engine: Engine, expr: str, t: int) -> dict[str, float]:
    result = engine.instant(expr, t)
    assert isinstance(result, InstantVector)
    return {str(sorted(s.labels.items())): s.value for s in result}


def value(engine: Engine, expr: str, t: int) -> float:
    result = engine.instant(expr, t)
    assert isinstance(result, InstantVector) and len(result) == 1, result
    return result.samples[0].value


def test_rate_extrapolates_to_window_edges(engine: Engine) -> None:
    # Window (60s, 300s] holds 4 samples 20..50 at 120s..300s: 30 over 180 s, extrapolated by 30 s at the start.
    assert value(engine, 'rate(c_total{i="a"}[4m])', 300_000) == pytest.approx(40 / 240)
    # 15 - 0 plus 20 for the reset; the zero point is at the first sample, so no extrapolation.
    assert value(engine, 'increase(c_total{i="b"}[5m])', 240_000) == pytest.approx(35)


def test_counter_reset_handling(engine: Engine) -> None:
    assert value(engine, 'resets(c_total{i="b"}[5m])', 240_000) == 1
    assert value(engine, 'irate(c_total{i="b"}[5m])', 180_000) == pytest.approx(5 / 60)
    assert value(engine, 'idelta(c_total{i="b"}[5m])', 180_000) == -15


def test_over_time_family(engine: Engine) -> None:
    assert value(engine, "max_over_time(g[4m])", 180_000) == 5
    assert value(engine, "avg_over_time(g[4m])", 180_000) == pytest.approx(2.75)
    assert value(engine, "quantile_over_time(0.5, g[4m])", 180_000) == pytest.approx(2.5)
    assert value(engine, "stdvar_over_time(g[4m])", 180_000) == pytest.approx(2.1875)
    assert value(engine, "changes(g[4m])", 180_000) == 3
    assert value(engine, "mad_over_time(g[4m])", 180_000) == pytest.approx(1.0)
    assert value(engine, "deriv(g[4m])", 180_000) == pytest.approx(330 / 18000)


def test_histogram_quantile_over_classic_buckets(engine: Engine) -> None:
    # 4 observations: 1 <= 0.1, 3 <= 1; the median falls in (0.1, 1] at rank 2 of 3 there.
    assert value(engine, "histogram_quantile(0.5, req_bucket)", 60_000) == pytest.approx(0.1 + 0.9 * 0.5)
    assert value(engine, "histogram_fraction(0, 0.1, req_bucket)", 60_000) == pytest.approx(0.25)


def test_sort_by_label_is_natural(engine: Engine) -> None:
    result = engine.instant('sort_by_label(v, "a")', 0)
    assert isinstance(result, InstantVector)
    assert [s.labels["a"] for s in result] == ["x-1", "x-2", "x-10"]


def test_date_functions_and_clamp(engine: Engine) -> None:
    assert value(engine, "year(vector(1700000000))", 0) == 2023
    assert value(engine, "day_of_week(vector(0))", 0) == 4  # 1970-01-01 was a Thursday
    assert value(engine, "days_in_month(vector(951782400))", 0) == 29  # February 2000
    assert value(engine, "clamp(vector(5), 0, 3)", 0) == 3
    assert math.isnan(value(engine, "ln(vector(-1))", 0))
    assert value(engine, "ln(vector(0))", 0) == -math.inf


def test_count_values_formats_like_go(engine: Engine) -> None:
    assert one(engine, 'count_values("v", vector(1e16))', 0) == {"[('v', '10000000000000000')]": 1.0}


def test_go_template_expansion() -> None:
    rx = compile_go(r"(?P<host>[a-z]+):(\d+)")
    m = rx.fullmatch("web:80")
    assert m is not None
    assert go_expand(rx, "$1-$2", m) == "web-80"
    assert go_expand(rx, "${1}_x", m) == "web_x"
    assert go_expand(rx, "$1_x", m) == ""  # Go reads the name "1_x"
    assert go_expand(rx, "$host $$", m) == "web $"
    assert go_expand(rx, "${ho st} $", m) == "${ho st} $"  # malformed references stay literal


def test_xxhash64_known_vectors() -> None:
    assert xxh64(b"") == 0xEF46DB3751D8E999
    assert xxh64(b"abc") == 0x44BC2CF5AD770999
    assert xxh64(b"Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1


def test_limit_ratio_complements(engine: Engine) -> None:
    kept = one(engine, "limit_ratio(0.5, v)", 0)
    rest = one(engine, "limit_ratio(-0.5, v)", 0)
    assert set(kept) | set(rest) == set(one(engine, "v", 0))
    assert not set(kept) & set(rest)


def test_fill_modifier(engine: Engine) -> None:
    # Nothing matches: each side meets the fill value for the other (1 + 100 on both).
    result = one(engine, 'g + fill(100) v{a="x-1"}', 0)
    assert result == {"[('i', 'a')]": 101.0, "[('a', 'x-1')]": 101.0}
    assert one(engine, 'g + fill_left(100) v{a="x-1"}', 0) == {"[('a', 'x-1')]": 101.0}


def test_count_values_labels_are_go_floats(engine: Engine) -> None:
    result = one(engine, 'count_values("v", vector(1) or label_replace(vector(-3), "x", "y", "", ""))', 0)
    assert result == {"[('v', '1')]": 1.0, "[('v', '-3')]": 1.0}


def test_round_like_go(engine: Engine) -> None:
    assert value(engine, "round(vector(2.5))", 0) == 3
    assert value(engine, "round(vector(-2.5))", 0) == -2
    assert value(engine, "round(vector(17), -5)", 0) == 15
    assert math.isnan(value(engine, "round(vector(1.5), 0)", 0))
