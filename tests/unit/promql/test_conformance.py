"""Prometheus' own promqltest files, run through our evaluator: no file may fall below its recorded floor."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from opsverify.promql.promqltest import run_file

FLOOR_FILE = Path(__file__).with_name("conformance_floor.json")


def shared_dir() -> Path:
    env = os.environ.get("OPSVERIFY_SHARED")
    if env:
        return Path(env) / "promqltest"
    return Path(__file__).resolve().parents[3].parent / "shared" / "promqltest"


FLOORS: dict[str, int] = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_passing_cases_stay_above_floor(name: str) -> None:
    path = shared_dir() / name
    if not path.is_file():
        reason = f"{path} is absent (set OPSVERIFY_SHARED to the directory holding promqltest/)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    result = run_file(str(path))
    details = "\n".join(result.failures[:20])
    assert result.passed >= FLOORS[name], f"{name}: {result.passed} passed < floor {FLOORS[name]}\n{details}"


def test_every_file_in_the_shared_dir_has_a_floor() -> None:
    directory = shared_dir()
    if not directory.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{directory} is absent")
        pytest.skip(f"{directory} is absent")
    assert sorted(p.name for p in directory.glob("*.test")) == sorted(FLOORS)
