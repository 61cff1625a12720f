"""Plain-Python entry for an inventory ``alertmanager:`` entry's on-call coverage check (wired by the plugin).

``coverage_problems(config_file=..., url=..., rule_files=[...], location=...)`` returns one line per uncovered
range (empty list: covered). A file config wins over the live one when both are given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .config import load_config
from .coverage import WEEK_START, coverage_report, rule_label_sets
from .live import fetch_config


def coverage_problems(
    *,
    rule_files: list[str | Path],
    config_file: str | Path | None = None,
    url: str | None = None,
    location: str = "UTC",
    week_start: dt.date = WEEK_START,
    timeout: float = 5.0,
) -> list[str]:
    if config_file is not None:
        config = load_config(config_file)
    elif url is not None:
        config = fetch_config(url, timeout)
    else:
        raise ValueError("coverage needs config_file or url")
    return coverage_report(config, rule_label_sets(rule_files), location, week_start)
