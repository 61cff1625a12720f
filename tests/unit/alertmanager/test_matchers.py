from __future__ import annotations

import pytest

from opsverify.alertmanager.matchers import Matcher, MatcherError, matches_all, parse_matchers


def test_classic_syntax_with_braces_quotes_escapes_and_trailing_comma() -> None:
    ms = parse_matchers('{foo = "bar", dings!=bums, quote="She said: \\"Hi, all\\"", }')
    assert [(m.name, m.op, m.value) for m in ms] == [
        ("foo", "=", "bar"),
        ("dings", "!=", "bums"),
        ("quote", "=", 'She said: "Hi, all"'),
    ]


def test_spaces_around_operators_and_unquoted_regex() -> None:
    (m,) = parse_matchers("severity =~ warning|info")
    assert (m.name, m.op, m.value) == ("severity", "=~", "warning|info")
    assert m.matches("info") and not m.matches("critical")


def test_quoted_utf8_label_names_fall_back_to_the_utf8_parser() -> None:
    ms = parse_matchers('{"service name"="api gw", "Ω"=~"a|b"}')
    assert [(m.name, m.value) for m in ms] == [("service name", "api gw"), ("Ω", "a|b")]
    assert matches_all(ms, {"service name": "api gw", "Ω": "b"})


def test_classic_parser_wins_where_both_parse() -> None:
    (m,) = parse_matchers('foo="bar\\qux"')  # classic keeps the spurious escape literally
    assert m.value == "bar\\qux"


@pytest.mark.parametrize("text", ["foo", "=bar", 'foo="unterminated', "foo=~(?=x)"])
def test_invalid_matchers_are_refused(text: str) -> None:
    with pytest.raises(MatcherError):
        parse_matchers(text)


def test_regex_is_fully_anchored_re2() -> None:
    m = Matcher.make("job", "=~", "api|web")
    assert m.matches("api") and m.matches("web")
    assert not m.matches("api2") and not m.matches("xweb")  # Python's re.match("api|web$") would accept "api2"
    assert not Matcher.make("x", "=~", "a.c").matches("a\nc")  # RE2: . does not match newline


def test_re2_refuses_what_python_re_accepts() -> None:
    with pytest.raises(MatcherError, match="invalid or unsupported Perl syntax"):
        Matcher.make("x", "=~", "(?!a)b")


def test_absent_label_matches_as_empty_string() -> None:
    assert matches_all(parse_matchers('pager=""'), {"team": "db"})
    assert not matches_all(parse_matchers('pager!=""'), {})
    assert parse_matchers("pager=''")[0].value == "''"  # single quotes are not quotes: a two-character value
    assert matches_all(parse_matchers('team!~"db|web"'), {})


def test_str_quotes_only_when_needed() -> None:
    assert str(Matcher.make("team", "=", "db")) == "team=db"
    assert str(Matcher.make("team", "=~", "db|web")) == 'team=~"db|web"'
    assert str(Matcher.make("service name", "=", "a b")) == '"service name"="a b"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"foo"="\\xf0\\x9f\\x99\\x82"}', [("foo", "=", "🙂")]),  # Go byte escapes forming UTF-8
        ('{"foo"="\\U0001f642"}', [("foo", "=", "🙂")]),
        ('"foo"="bar",', [("foo", "=", "bar")]),
        ("{foo=🙂bar}", [("foo", "=", "🙂bar")]),
        ("{}", []),
    ],
)
def test_utf8_parser_accepts(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.name, m.op, m.value) for m in parse_matchers(text)] == expected


@pytest.mark.parametrize(
    "text", ['{"foo"=~"\\d+"}', '{"foo"="\\xf0\\x9f"}', '{"a"="b"', '"a"="b"}', '{"a"="b",,}', '{"a"=}']
)
def test_utf8_parser_refuses_what_alertmanager_refuses(text: str) -> None:
    with pytest.raises(MatcherError):
        parse_matchers(text)
