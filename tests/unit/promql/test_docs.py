"""The PromQL API example in the README runs and prints what the comments under each call say."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "README.md"


def test_api_example_in_docs_is_true() -> None:
    text = DOC.read_text(encoding="utf-8").split("## PromQL evaluator", 1)[1]
    block = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert block is not None
    statements: list[tuple[str, str | None]] = []
    current: list[str] = []
    for line in block.group(1).splitlines():
        if line.startswith("# "):
            statements.append(("\n".join(current), line[2:]))
            current = []
        else:
            current.append(line)
    namespace: dict[str, object] = {}
    checked = 0
    for code, expected in statements:
        *setup, last = _split_last_statement(code)
        exec("\n".join(setup), namespace)
        assert repr(eval(last, namespace)) == expected
        checked += 1
    assert checked == 4


def _split_last_statement(code: str) -> list[str]:
    """Everything before the last top-level statement, and that statement (which may span lines)."""
    lines = code.rstrip().splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("engine."))
    return ["\n".join(lines[:start]), "\n".join(lines[start:])]
