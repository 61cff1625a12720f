"""Go (RE2) regex semantics vs Python's ``re``: every known difference, and opsverify follows Go on each.

Each row: pattern, text, what Go's regexp answers (fullmatch for the anchored helpers, search for ``compile_go``), and
what Python's ``re`` answers ("error" when it refuses the pattern) — the Python column proves the row is a real
difference, so the row would fail if we still used ``re``.
"""

from __future__ import annotations

import re
import warnings

import pytest

from opsverify.promql import Engine, Storage
from opsverify.promql.regex import (
    RegexError,
    alertmanager_matcher,
    compile_go,
    prometheus_matcher,
)
from opsverify.promql.values import PromQLError
from opsverify.rules.template.prom import re_replace_all

# (id, pattern, text, go_fullmatch, python_fullmatch or "error")
DIFFERENCES = [
    ("digit-is-ascii", r"\d", "٣", False, True),
    ("word-is-ascii", r"\w", "é", False, True),
    ("space-has-no-vt", r"\s", "\v", False, True),
    ("brace-without-min-is-literal", r"a{,2}", "a{,2}", True, False),
    ("brace-without-min-no-repeat", r"a{,2}", "aa", False, True),
    ("unicode-class", r"\pL", "é", True, "error"),
    ("unicode-class-braces", r"\p{Greek}+", "αβ", True, "error"),
    ("negated-posix-class", r"[[:^alpha:]]", "1", True, False),
    ("posix-class", r"[[:word:]]+", "a_1", True, False),
    ("quoted-literal", r"\Q.*\E", ".*", True, "error"),
    ("ungreedy-flag", r"(?U)(a+)a*", "aaa", True, "error"),
]

# Syntax Python accepts and Go refuses.
GO_REFUSES = [r"(?=a)", r"(a)\1", r"\Z", r"a++", r"(?<!a)b", r"\C"]


def _python(pattern: str, text: str) -> bool | str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.fullmatch(pattern, text) is not None
    except re.error:
        return "error"


@pytest.mark.parametrize(
    ("pattern", "text", "go", "python"), [r[1:] for r in DIFFERENCES], ids=[r[0] for r in DIFFERENCES]
)
def test_we_follow_go_where_python_differs(pattern: str, text: str, go: bool, python: bool | str) -> None:
    assert _python(pattern, text) == python  # the difference is real
    assert (prometheus_matcher(pattern).fullmatch(text) is not None) is go
    assert (alertmanager_matcher(pattern).fullmatch(text) is not None) is go


@pytest.mark.parametrize("pattern", GO_REFUSES)
def test_syntax_go_refuses_is_refused(pattern: str) -> None:
    assert _python(pattern, "ab") != "error" or pattern == r"\C"
    with pytest.raises(RegexError, match=r"^error parsing regexp: "):
        compile_go(pattern)


def test_dollar_is_end_of_text_only() -> None:
    assert re.search(r"a$", "a\n") is not None  # Python: before a final newline too
    assert not compile_go(r"a$").matches("a\n")


def test_catastrophic_pattern_is_linear() -> None:
    # Python's re needs ~2^40 steps here (hours); RE2 answers at once. A regression would hang this test.
    assert prometheus_matcher("(a+)+b").fullmatch("a" * 40 + "c") is None


def test_prometheus_dot_matches_newline_alertmanager_does_not() -> None:
    assert prometheus_matcher("a.b").fullmatch("a\nb") is not None
    assert alertmanager_matcher("a.b").fullmatch("a\nb") is None


def test_error_text_is_gos() -> None:
    with pytest.raises(RegexError) as info:
        compile_go("(.*")
    assert str(info.value) == "error parsing regexp: missing closing ): `(.*`"


def test_replace_all_skips_empty_match_after_a_match_like_go() -> None:
    assert re.sub("x*", "-", "abxd") == "-a-b--d-"  # Python
    assert compile_go("x*").replace_all("abxd", "-") == "-a-b-d-"  # Go
    assert re_replace_all("x*", "-", "abxd") == "-a-b-d-"


def _engine() -> Engine:
    s = Storage()
    s.load('m{v="٣"} 1\nm{v="7"} 2\nm{v="a{,2}"} 3\nm{v="é"} 4', interval_ms=60_000)
    return Engine(s)


@pytest.mark.parametrize(
    ("selector", "values"),
    [
        (r'm{v=~"\\d"}', ["7"]),
        (r'm{v=~"\\w"}', ["7"]),
        (r'm{v=~"a{,2}"}', ["a{,2}"]),
        (r'm{v=~"\\pL"}', ["é"]),
        (r'm{v=~"[[:^alpha:]]"}', ["7", "٣", "é"]),
        (r'm{v!~"(a+)+b"}', ["7", "a{,2}", "é", "٣"]),
    ],
)
def test_selectors_use_go_semantics(selector: str, values: list[str]) -> None:
    got = _engine().instant(selector, 0)
    assert sorted(dict(s.labels)["v"] for s in got) == sorted(values)


def test_label_replace_uses_go_semantics() -> None:
    got = _engine().instant(r'label_replace(m, "d", "$1", "v", "(\\d)")', 0)
    assert sorted(dict(s.labels).get("d", "") for s in got) == ["", "", "", "7"]


def test_bad_regex_is_a_promql_error() -> None:
    with pytest.raises(PromQLError, match="regex"):  # the parser refuses selectors; label_replace is ours
        _engine().instant('m{v=~"(a"}', 0)
    with pytest.raises(PromQLError, match="invalid regular expression in label_replace"):
        _engine().instant('label_replace(m, "d", "$1", "v", "(a")', 0)
