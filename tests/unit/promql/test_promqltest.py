"""The promqltest runner on a user's own file: counts, exit code, verbose details, honesty of 'unsupported'."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from opsverify.promql.promqltest import main, run_file
from opsverify.promql.promqltest_check import almost_equal
from opsverify.promql.values import STALE_NAN

GOOD = """
load 1m
  http_requests_total{job="api"} 0+60x10
  hist {{schema:0 sum:1 count:1}}

eval instant at 5m rate(http_requests_total[5m])
  {job="api"} 1

eval range from 0 to 2m step 1m http_requests_total
  http_requests_total{job="api"} 0 60 120

eval instant at 1m hist
  {} 1

eval instant at 1m info(http_requests_total)
  {} 1

eval instant at 0 sum(
  {} 1

eval_fail instant at 0 vector(1) + on() vector(1)
  expected_fail_message never matches

eval instant at 1m 1 + 1
  2

eval instant at 1m "hello"
  expect string "hello"

eval_ordered instant at 5m sort_desc(http_requests_total)
  http_requests_total{job="api"} 300
"""

WRONG = """
load 1m
  m 1 2 3

eval instant at 2m m
  m 4
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_counts_per_reason(tmp_path: Path) -> None:
    result = run_file(write(tmp_path, "good.test", GOOD))
    assert result.passed == 5
    assert result.failed == 1  # eval_fail that does not fail is a failure
    assert result.unsupported == {
        "native histograms": 1,
        "info() is not supported": 1,
        "syntax promql-parser cannot parse": 1,
    }


def test_wrong_answer_is_a_failure_never_unsupported(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main([write(tmp_path, "wrong.test", WRONG)], out=out, verbose=True)
    text = out.getvalue()
    assert code == 1
    assert "0 passed, 1 failed, 0 unsupported" in text
    assert "wrong.test:5: m" in text and "expected 4.0" in text
    assert text.splitlines()[-1] == "TOTAL: 0 passed, 1 failed, 0 unsupported"


def test_all_passing_exits_zero(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.test", "load 1m\n  m 1 2\n\neval instant at 1m m\n  m 2\n")
    out = io.StringIO()
    assert main([path], out=out) == 0
    assert out.getvalue().endswith("TOTAL: 1 passed, 0 failed, 0 unsupported\n")


def test_bad_file_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.test", "load 1m\n  m 1 2x\n\neval instant at 1m m\n  m 2\n")
    result = run_file(path)
    assert result.failed == 1
    assert result.failures[0].endswith("bad.test:2: bad series term '2x'")


def test_expect_lines_and_annotations(tmp_path: Path) -> None:
    text = """
load 1m
  gauge 1 2 3

eval instant at 2m rate(gauge[2m])
  expect info msg: PromQL info: metric might not be a counter, name does not end in \
_total/_sum/_count/_bucket: "gauge" (1:6)
  {} 0.016666666666666666

eval instant at 2m rate(gauge[2m])
  expect no_info
  {} 0.016666666666666666

eval instant at 2m quantile(2, gauge)
  expect warn regex: quantile value should be between 0 and 1
  {} +Inf

eval instant at 2m gauge + on() group_left gauge
  expect fail msg: vector cannot contain metrics with the same labelset
"""
    result = run_file(write(tmp_path, "anno.test", text))
    assert (result.passed, result.failed) == (2, 2), result.failures
    assert "unexpected info annotations" in result.failures[0]


def test_float_comparison_like_promqltest() -> None:
    assert almost_equal(1.0, 1.0 + 1e-9)
    assert not almost_equal(1.0, 1.001)
    assert almost_equal(float("nan"), float("nan"))
    assert not almost_equal(STALE_NAN, float("nan"))
    assert almost_equal(STALE_NAN, STALE_NAN)
    assert not almost_equal(0.0, 1e-300)


def test_floor_test_skips_without_shared_dir_but_fails_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from . import test_conformance

    monkeypatch.setenv("OPSVERIFY_SHARED", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        test_conformance.test_every_file_in_the_shared_dir_has_a_floor()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        test_conformance.test_every_file_in_the_shared_dir_has_a_floor()
    with pytest.raises(pytest.fail.Exception):
        test_conformance.test_passing_cases_stay_above_floor("staleness.test")
