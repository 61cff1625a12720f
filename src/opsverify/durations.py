"""Durations as Prometheus writes them: ``90s``, ``5m``, ``1h30m``, ``1d``, ``2w``, ``1y``, ``250ms``."""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0, "y": 31536000.0}
_TERM = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_ORDER = ["y", "w", "d", "h", "m", "s", "ms"]


def parse_duration(text: str) -> float:
    """Return seconds for a Prometheus duration string; raise ValueError with a readable reason.

    Units must appear at most once each, largest first (``1h30m``, not ``30m1h``), as in Prometheus.
    A bare number is accepted as seconds (``5`` or ``2.5``), which is what users of timeouts expect.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty duration")
    try:
        value = float(s)
    except ValueError:
        pass
    else:
        if value < 0:
            raise ValueError(f"negative duration {text!r}")
        return value
    pos, total, last = 0, 0.0, -1
    for match in _TERM.finditer(s):
        if match.start() != pos:
            break
        unit = match.group(2)
        rank = _ORDER.index(unit)
        if rank <= last:
            raise ValueError(f"bad duration {text!r}: units must be in order y w d h m s ms, each once")
        last = rank
        total += int(match.group(1)) * _UNITS[unit]
        pos = match.end()
    if pos != len(s) or pos == 0:
        raise ValueError(f"bad duration {text!r}: expected e.g. 500ms, 5s, 1m30s, 24h, 7d")
    return total


def format_duration(seconds: float) -> str:
    """Format seconds the way Prometheus prints durations (``1h30m``, ``5m``, ``0s``, ``250ms``)."""
    ms = round(seconds * 1000)
    if ms == 0:
        return "0s"
    out = []
    for unit in _ORDER:
        size = round(_UNITS[unit] * 1000)
        if ms >= size:
            out.append(f"{ms // size}{unit}")
            ms %= size
    return "".join(out)
