import pytest

from opsverify.promql.notation import MAX_SAMPLES, expand_values


def test_runaway_expansion_is_refused_not_attempted():
    with pytest.raises(Exception, match=r"bad series term '1\+1x99999999999': expands past 10,000,000 samples"):
        expand_values("1+1x99999999999")


def test_expansion_up_to_the_cap_works():
    assert len(expand_values("0 _x3 1+0x3")) == 1 + 3 + 4
    assert MAX_SAMPLES == 10_000_000
