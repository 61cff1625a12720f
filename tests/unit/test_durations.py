import pytest

from opsverify.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5s", 5),
        ("500ms", 0.5),
        ("1m30s", 90),
        ("1h30m", 5400),
        ("1d", 86400),
        ("2w", 1209600),
        ("1y", 31536000),
        ("2.5", 2.5),
    ],
)
def test_parses_prometheus_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5x", "m5", "30m1h", "1h1h", "-5", "5 s", "1.5m"])
def test_rejects_bad_durations_with_a_reason(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (90, "1m30s"), (5400, "1h30m"), (0.25, "250ms"), (86400, "1d")]
)
def test_formats_like_prometheus(seconds, text):
    assert format_duration(seconds) == text
