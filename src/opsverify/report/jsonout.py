"""``results.json``: every check of the run, for CI and scripts. The schema is documented in the README
("The readiness report", results.json) and versioned by the top-level ``schema`` number."""

from __future__ import annotations

import json
from pathlib import Path

from .results import RunResult


def render(run: RunResult) -> str:
    return json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n"


def write(run: RunResult, path: Path) -> Path:
    path.write_text(render(run), encoding="utf-8")
    return path
