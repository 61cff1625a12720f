"""Seeded mutations of the lab's config and tests: every outcome is a result or ``file:line: what`` (exit 4),
never a traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from opsverify.cli import main
from tests.integration.alertmanager.mutations import mutate

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


@pytest.mark.parametrize("seed", range(8))
def test_mutated_inputs_never_crash(seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(seed)
    am = FIXTURES / "alertmanager"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "lab.tmpl").write_text((am / "templates" / "lab.tmpl").read_text())
    rules = (am / "stack-e2e.rules-test.yml").read_text().replace("../rules/", f"{FIXTURES / 'rules'}/")
    (tmp_path / "stack-e2e.rules-test.yml").write_text(rules)
    codes = []
    for _ in range(25):
        config, tests = (am / "alertmanager.yml").read_text(), (am / "lab.am-test.yml").read_text()
        if rng.random() < 0.5:
            config = "\n".join(mutate(config.splitlines(), rng)) + "\n"
        else:
            tests = "\n".join(mutate(tests.splitlines(), rng)) + "\n"
        (tmp_path / "alertmanager.yml").write_text(config)
        (tmp_path / "lab.am-test.yml").write_text(tests)
        code = main(["alertmanager", "test", str(tmp_path / "lab.am-test.yml")])
        err = capsys.readouterr().err
        assert code in (0, 1, 4)
        if code == 4:
            assert err.startswith(f"opsverify: {tmp_path}/"), err
        codes.append(code)
    assert 4 in codes  # the mutations do produce bad input
