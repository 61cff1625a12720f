"""The README's Alertmanager examples are real output (run from the repository root), not prose that drifts."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from opsverify.cli import main

ROOT = Path(__file__).resolve().parents[3]
SECTION = (ROOT / "README.md").read_text().split("## Alertmanager tests (offline)", 1)[1].split("\n## ", 1)[0]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        main(["alertmanager", *args])
    finally:
        os.chdir(old)
    return capsys.readouterr().out


def test_failure_examples_come_from_the_mutated_copies(capsys: pytest.CaptureFixture[str]) -> None:
    lines = SECTION.split("report (one failure from each run", 1)[1].split("```", 2)[1].splitlines()
    runs = "".join(
        run(
            capsys,
            "test",
            "fixtures/alertmanager/lab.am-test.yml",
            "--config",
            f"fixtures/alertmanager/mutated/{m}.yml",
        )
        for m in ("routing", "inhibition", "time-interval")
    )
    fails = [i for i, line in enumerate(lines) if line.startswith("FAIL ")]
    assert len(fails) == 3
    for i in fails:
        assert lines[i] + "\n" + lines[i + 1] + "\n" in runs


def test_routes_render_and_coverage_examples(capsys: pytest.CaptureFixture[str]) -> None:
    ran = []
    for block in SECTION.split("```\n$ opsverify alertmanager ")[1:]:
        for chunk in ("$ opsverify alertmanager " + block.split("\n```", 1)[0]).split("$ opsverify alertmanager ")[1:]:
            command, expected = chunk.split("\n", 1)
            args = shlex.split(command)
            if args[0] == "test":
                continue
            if "--config" in args and not args[args.index("--config") + 1].startswith("fixtures/"):
                args[args.index("--config") + 1] = "fixtures/alertmanager/" + args[args.index("--config") + 1]
            out = run(capsys, *args)
            ran.append(args[0])
            for line in expected.splitlines():
                assert line == "..." or line in out.splitlines(), (command, line, out)
    assert sorted(ran) == ["coverage", "coverage", "render", "routes"]
