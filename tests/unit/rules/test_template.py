"""The Go text/template interpreter: values, verbs, control flow, Prometheus functions, error texts."""

from __future__ import annotations

import math

import pytest

from opsverify.rules.template import TemplateParseError, expand_alert_text, format_float_v, sprintf
from opsverify.rules.template.humanize import go_time_string, humanize, humanize_duration

LABELS = {"__name__": "up", "job": "api", "instance": "db-1.example.com:9090"}


def render(text: str, value: float = 1.0, **kw: object) -> str:
    return expand_alert_text(text, "A", LABELS, value, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (1234567.5, "1.2345675e+06"),
        (1.234e-05, "1.234e-05"),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.0001, "0.0001"),
        (-0.0, "-0"),
        (math.nan, "NaN"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (3.0, "3"),
    ],
)
def test_value_prints_like_go_percent_v(value: float, text: str) -> None:
    assert format_float_v(value) == text
    assert render("{{ $value }}", value) == text


@pytest.mark.parametrize(
    ("fmt", "args", "out"),
    [
        ("%.2f", [1.005], "1.00"),
        ("%d items", [3], "3 items"),
        ("%s/%q", ["a", "b"], 'a/"b"'),
        ("%5.1f|%-4s|", [2.25, "ab"], "  2.2|ab  |"),
        ("%x %X", [255, "hi"], "ff 6869"),
        ("%e", [1234.5], "1.234500e+03"),
        ("%g", [1e21], "1e+21"),
        ("%v %t", [True, False], "true false"),
        ("%d", [1.5], "%!d(float64=1.5)"),
        ("%d %d", [1], "1 %!d(MISSING)"),
        ("%d", [1, 2], "1%!(EXTRA int=2)"),
        ("100%%", [], "100%"),
    ],
)
def test_sprintf_matches_go(fmt: str, args: list[object], out: str) -> None:
    assert sprintf(fmt, list(args)) == out


def test_labels_map_prints_sorted_like_go() -> None:
    assert render("{{ $labels }}") == "map[__name__:up instance:db-1.example.com:9090 job:api]"


def test_missing_label_renders_empty_and_missing_field_errors() -> None:
    assert render("[{{ $labels.nope }}]") == "[]"
    assert render("[{{ .Labels.nope }}]") == "[]"
    out = render("{{ .Nope }}")
    assert out.startswith("<error expanding template: error executing template __alert_A: template: __alert_A:1:")
    assert "can't evaluate field Nope in type struct" in out


def test_control_flow_and_variables() -> None:
    text = (
        "{{ if gt $value 10.0 }}big{{ else if gt $value 1.0 }}mid{{ else }}small{{ end }}"
        "|{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"
        "|{{ with $labels.job }}job={{ . }}{{ end }}"
        "|{{ $x := 1 }}{{ $x = 2 }}{{ $x }}"
        "|{{ range $i, $e := args 3 4 }}{{ $i }}{{ end }}"
    )
    assert render(text, 5.0) == "mid|__name__=up;instance=db-1.example.com:9090;job=api;|job=api|2|arg0arg1"


def test_logic_comparisons_and_builtins() -> None:
    text = '{{ and 1 0 }} {{ or 0 "" "x" }} {{ not true }} {{ eq $labels.job "db" "api" }} {{ len $labels }}'
    assert render(text) == "0 x false true 3"
    assert render('{{ index $labels "job" }} {{ print 1 2 "a" 3 }} {{ println "x" }}') == "api 1 2a3 x\n"


def test_trim_markers_comments_define_and_template() -> None:
    text = '{{/* note */}}a  {{- " b " -}}  c{{ define "t" }}<{{ . }}>{{ end }}{{ template "t" 7 }}{{ tmpl "t" 8 }}'
    assert render(text) == "a b c<7><8>"


def test_prometheus_string_functions() -> None:
    assert render("{{ $labels.instance | stripPort }}") == "db-1.example.com"
    assert render("{{ $labels.instance | stripDomain }}") == "db-1:9090"
    assert render('{{ "10.0.0.1:80" | stripDomain }}') == "10.0.0.1:80"
    assert render('{{ reReplaceAll "(.*):(.*)" "$2@$1" "h:1" }}') == "1@h"
    assert render('{{ match "^db" $labels.instance }} {{ toUpper "a" }}{{ toLower "B" }} {{ title "ab cd-ef" }}') == (
        "true Ab Ab Cd-Ef"
    )
    assert render("{{ externalURL }} {{ pathPrefix }}", external_url="http://p:9090/prom") == (
        "http://p:9090/prom /prom"
    )


def test_humanize_family() -> None:
    assert [humanize(v) for v in (0.0, 1234.0, 1e6, 0.00123, -2500.0)] == ["0", "1.234k", "1M", "1.23m", "-2.5k"]
    assert render("{{ 1048576.0 | humanize1024 }} {{ 0.256 | humanizePercentage }}") == "1Mi 25.6%"
    assert [humanize_duration(v) for v in (0.0, 0.5, 59.0, 3725.0, 90061.0)] == [
        "0s",
        "500ms",
        "59s",
        "1h 2m 5s",
        "1d 1h 1m 1s",
    ]
    assert go_time_string(1.5) == "1970-01-01 00:00:01.5 +0000 UTC"
    assert render("{{ 86400 | humanizeTimestamp }}") == "1970-01-02 00:00:00 +0000 UTC"


def test_function_errors_render_as_prometheus() -> None:
    out = render('{{ "abc" | humanize }}')
    assert out.endswith('error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax>')
    assert render("{{ nope }}") == '<error expanding template: template: __alert_A:1: function "nope" not defined>'


def test_query_first_value_label_with_a_fake_query() -> None:
    def query(expr: str) -> list[tuple[dict[str, str], float]]:
        assert expr == "up"
        return [({"job": "b"}, 2.0), ({"job": "a"}, 1.0)]

    text = '{{ query "up" | first | value }} {{ with query "up" }}{{ . | first | label "job" }}{{ end }}'
    assert expand_alert_text(text, "A", {}, 0.0, query=query) == "2 b"
    sorted_text = '{{ range query "up" | sortByLabel "job" }}{{ .Labels.job }}{{ .Value }}{{ end }}'
    assert expand_alert_text(sorted_text, "A", {}, 0.0, query=query) == "a1b2"
    empty = expand_alert_text('{{ query "up" | first }}', "A", {}, 0.0, query=lambda e: [])
    assert "first() called on vector with no elements" in empty


def test_parse_errors_are_raised_by_the_checker() -> None:
    from opsverify.rules.template import check_alert_text, expand

    assert check_alert_text("{{ $labels.job }}", "A") is None
    assert "unclosed action" in (check_alert_text("{{ $labels.job", "A") or "")
    assert "undefined variable" in (check_alert_text("{{ $nope }}", "A") or "")
    with pytest.raises(TemplateParseError):
        expand("{{ if 1 }}", "t", None)


def test_parse_duration_function() -> None:
    assert render('{{ parseDuration "1h30m" }} {{ parseDuration "250ms" | humanizeDuration }}') == "5400 250ms"
    assert 'not a valid duration string: "5"' in render('{{ parseDuration "5" }}')
