"""Template functions of Prometheus 3 (toDuration, now, urlQueryEscape, graphLink/tableLink) and method calls on
``*time.Time`` / ``*time.Duration`` values; expected texts are Go's."""

from __future__ import annotations

import pytest

from opsverify.rules.template import expand_alert_text
from opsverify.rules.template.gotime import go_duration_string


def render(text: str, now_s: float = 0.0, external_url: str = "") -> str:
    return expand_alert_text(text, "A", {"job": "api"}, 1.0, {}, external_url, None, now_s)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('{{ (1700000000 | toTime).Format "2006-01-02" }}', "2023-11-14"),
        ('{{ (1700000000.5 | toTime).Format "2006-01-02T15:04:05.000Z07:00" }}', "2023-11-14T22:13:20.500Z"),
        ('{{ (1700000000 | toTime).Format "Mon Jan _2 15:04:05 MST 2006" }}', "Tue Nov 14 22:13:20 UTC 2023"),
        ('{{ (1700000000 | toTime).Format "15:04:05.999 -0700" }}', "22:13:20 +0000"),
        ('{{ (1700000000 | toTime).Format "3:04PM, January 2, 06 (day 002)" }}', "10:13PM, November 14, 23 (day 318)"),
        ("{{ (1700000000 | toTime).Unix }}", "1700000000"),
        ("{{ (1700000000 | toTime).Year }}", "2023"),
        ("{{ 1700000000 | toTime }}", "2023-11-14 22:13:20 +0000 UTC"),
        ("{{ 5400 | toDuration }}", "1h30m0s"),
        ("{{ 0.0015 | toDuration }}", "1.5ms"),
        ("{{ (90 | toDuration).Minutes }}", "1.5"),
        ('{{ toDuration 61.5 | printf "%v" }}', "1m1.5s"),
        ("{{ now }}", "180"),
        ('{{ urlQueryEscape "a b&c/é~" }}', "a+b%26c%2F%C3%A9~"),
    ],
)
def test_go_values_and_functions(text: str, want: str) -> None:
    assert render(text, now_s=180.0) == want


def test_links_are_relative_as_in_prometheus() -> None:
    text = '{{ graphLink "up == 0" }} {{ tableLink "up" }}'
    assert (
        render(text, external_url="https://x.example/prom")
        == "/graph?g0.expr=up+%3D%3D+0&g0.tab=0 /graph?g0.expr=up&g0.tab=1"
    )


def test_unknown_method_is_a_template_error() -> None:
    out = render("{{ (1 | toTime).Foo }}")
    assert out.startswith("<error expanding template: ") and "can't evaluate field Foo in type *time.Time" in out


def test_arguments_to_a_field_are_refused() -> None:
    assert "can't give argument to non-function" in render('{{ .Labels.job "x" }}')


@pytest.mark.parametrize(
    ("nanos", "want"),
    [
        (0, "0s"),
        (1, "1ns"),
        (1500, "1.5µs"),
        (2_000_000, "2ms"),
        (3_600_000_000_000, "1h0m0s"),
        (-90_000_000_000, "-1m30s"),
    ],
)
def test_duration_string(nanos: int, want: str) -> None:
    assert go_duration_string(nanos) == want
