"""__name__ dropping: at once (Prometheus' default, promtool) or delayed (Prometheus 3 feature, promqltest)."""

from __future__ import annotations

import pytest

from opsverify.promql import Engine, InstantVector, PromQLError, Storage


@pytest.fixture
def storage() -> Storage:
    s = Storage()
    s.load('a_total{env="1"} 0+60x10\nb_total{env="1"} 0+120x10')
    return s


def labels(result: object) -> list[dict[str, str]]:
    assert isinstance(result, InstantVector)
    return [s.labels for s in result]


@pytest.mark.parametrize("delayed", [False, True])
@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a_total", {"__name__": "a_total", "env": "1"}),
        ("-a_total", {"env": "1"}),
        ("a_total * 2", {"env": "1"}),
        ("a_total > 1", {"__name__": "a_total", "env": "1"}),
        ("a_total > bool 1", {"env": "1"}),
        ("a_total + b_total", {"env": "1"}),
        ("rate(a_total[5m])", {"env": "1"}),
        ("last_over_time(a_total[5m])", {"__name__": "a_total", "env": "1"}),
        ("abs(a_total)", {"env": "1"}),
        ("sort(a_total)", {"__name__": "a_total", "env": "1"}),
    ],
)
def test_name_dropping(storage: Storage, delayed: bool, expr: str, expected: dict[str, str]) -> None:
    assert labels(Engine(storage, delayed_name_removal=delayed).instant(expr, 600_000)) == [expected]


def test_delayed_removal_lets_label_replace_read_the_name(storage: Storage) -> None:
    expr = 'label_replace(rate(a_total[5m]), "was", "$1", "__name__", "(.+)")'
    assert labels(Engine(storage, delayed_name_removal=True).instant(expr, 600_000)) == [{"env": "1", "was": "a_total"}]
    assert labels(Engine(storage).instant(expr, 600_000)) == [{"env": "1"}]


def test_functions_on_two_names_collide(storage: Storage) -> None:
    with pytest.raises(PromQLError, match="same labelset"):
        Engine(storage).instant('rate({env="1"}[5m])', 600_000)


def test_delayed_removal_merges_or_branches_over_time() -> None:
    s = Storage()
    s.load("metric_a 1 _\nmetric_b 3 4", interval_ms=600_000)
    result = Engine(s, delayed_name_removal=True).range("-metric_a or -metric_b", 0, 1_200_000, 600_000)
    assert [(x.labels, x.points) for x in result] == [({}, [(0, -1.0), (600_000, -4.0)])]
