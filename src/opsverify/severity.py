"""Check severities, ordered: a failed check at or above ``--fail-on`` fails the run."""

from __future__ import annotations

from typing import Literal, get_args

SeverityName = Literal["critical", "warning", "info"]
SEVERITIES: tuple[str, ...] = get_args(SeverityName)
_RANK = {"info": 0, "warning": 1, "critical": 2}


def rank(severity: str) -> int:
    """Numeric rank (info 0 < warning 1 < critical 2); ValueError names the accepted values."""
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError(f"unknown severity {severity!r} (use critical, warning or info)") from None


def at_least(severity: str, threshold: str) -> bool:
    return rank(severity) >= rank(threshold)
