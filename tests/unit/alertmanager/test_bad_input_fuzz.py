"""Seeded mutations of the lab's config and tests: every outcome is a result or ``file:line: what`` (exit 4),
never a traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from opsverify.cli import main

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
JUNK = [
    "",
    "  x: 1",
    "- 3",
    "{",
    "]",
    ": :",
    "null",
    "~",
    "  - name:",
    "'a",
    "\t",
    "yes",
    "[]",
    "{}",
    '  matchers: ["a=~("]',
]
VALUES = ["3", "[]", "{}", "null", "x", "[a, b]", "'{{ .Foo'", "-1", "24:01", "monday:sunday", "[{a: b}]"]


def mutate(lines: list[str], rng: random.Random) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(1, 3)):
        i, roll = rng.randrange(len(out)), rng.random()
        if roll < 0.3:
            del out[i]
        elif roll < 0.6:
            out.insert(i, rng.choice(JUNK))
        elif roll < 0.8 and ":" in out[i]:
            out[i] = out[i].split(":", 1)[0] + ": " + rng.choice(VALUES)
        else:
            j = rng.randrange(len(out))
            out[i], out[j] = out[j], out[i]
    return out


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
