"""Go byte escapes in PromQL strings: ``"\\xff"`` is one (invalid UTF-8) byte, ``"\\xc3\\xa9"`` is ``é``."""

from __future__ import annotations

import pytest

from opsverify.promql import Engine, Storage
from opsverify.promql.byteescapes import has_invalid_utf8, rewrite_byte_escapes
from opsverify.promql.values import PromQLError


def _engine() -> Engine:
    s = Storage()
    s.load('m{v="é", src="a"} 1', interval_ms=60_000)
    return Engine(s)


def test_invalid_byte_destination_label_is_refused() -> None:  # functions.test:523
    with pytest.raises(PromQLError, match="invalid destination label name"):
        _engine().instant(r'label_replace(m, "\xff", "", "src", "(.*)")', 0)


def test_utf8_byte_run_is_its_character() -> None:
    assert len(_engine().instant(r'm{v="\xc3\xa9"}', 0)) == 1
    assert len(_engine().instant(r'm{v="\303\251"}', 0)) == 1


def test_escaped_backslash_raw_strings_and_comments_are_left_alone() -> None:
    for text in [r'm{v="\\xff"}', r"m{v=`\xff`}", "m # \\xff"]:
        assert rewrite_byte_escapes(text) == text
    assert has_invalid_utf8(rewrite_byte_escapes(r'"\xff"'))
    assert not has_invalid_utf8(rewrite_byte_escapes(r'"\xc3\xa9"'))
