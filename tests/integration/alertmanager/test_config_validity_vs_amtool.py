"""Differential: which configs are valid, ours vs ``amtool check-config`` (0.25), on seeded mutations of the lab's.

We must never refuse what Alertmanager accepts. We may accept what it refuses only in an integration's own settings
(``*_configs`` fields such as a Telegram ``chat_id``), which we keep as written; amtool's message then points into
``receivers:``.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from opsverify.alertmanager.config import load_config
from opsverify.errors import SourceError

from .mutations import mutate
from .test_routing_vs_amtool import AMTOOL

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "alertmanager"


@pytest.fixture(scope="module")
def amtool() -> str:
    if not Path(AMTOOL).exists():
        pytest.skip("amtool not installed (Debian package prometheus-alertmanager)")
    return AMTOOL


def test_config_validity_agrees_with_amtool(amtool: str, tmp_path: Path) -> None:
    rng = random.Random(20261201)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "lab.tmpl").write_text((FIXTURES / "templates" / "lab.tmpl").read_text())
    source = (FIXTURES / "alertmanager.yml").read_text()
    receivers_at = source[: source.index("\nreceivers:")].count("\n") + 2
    verdicts: dict[tuple[str, str], int] = {}
    problems = []
    for n in range(80):
        text = "\n".join(mutate(source.splitlines(), rng)) + "\n"
        path = tmp_path / f"c{n}.yml"
        path.write_text(text)
        try:
            load_config(path)
            ours = "ok"
        except SourceError:
            ours = "refused"
        proc = subprocess.run(
            [amtool, "check-config", str(path)], capture_output=True, text=True, timeout=30, check=False
        )
        theirs = "ok" if proc.returncode == 0 else "refused"
        verdicts[(ours, theirs)] = verdicts.get((ours, theirs), 0) + 1
        if ours == "refused" and theirs == "ok":
            problems.append(f"c{n}: we refuse what amtool accepts:\n{text}")
        elif ours == "ok" and theirs == "refused":
            line = re.search(r"line (\d+):", proc.stdout + proc.stderr)
            shift = text[: text.find("\nreceivers:")].count("\n") + 2 if "\nreceivers:" in text else receivers_at
            if not line or int(line.group(1)) < shift:
                problems.append(f"c{n}: amtool refuses outside receivers: {(proc.stdout + proc.stderr).strip()}")
    assert not problems, "\n".join(problems)
    assert verdicts.get(("refused", "refused"), 0) > 40 and verdicts.get(("ok", "ok"), 0) > 3, verdicts
