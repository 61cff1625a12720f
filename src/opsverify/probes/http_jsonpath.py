"""A small JSON path syntax for HTTP expectations, hand-written on purpose (no library: the subset is tiny).

Two spellings of the same thing:

- dotted: ``status``, ``checks.db``, ``items.0.name``, ``items.-1`` (a number indexes a list);
- JSONPath-like: ``$.data.result[0].value[1]``, ``$["key with.dots"]``, ``$.items[-1]``.

No wildcards, filters or slices: a path names exactly one value.
"""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r"""\.([^.\[\]]+)|\[(-?\d+)\]|\[["']([^"']*)["']\]""")


def split(path: str) -> list[str | int]:
    """The steps of ``path``; ValueError says where a ``$`` path stops making sense."""
    if not path.startswith("$"):
        return [int(p) if p.lstrip("-").isdigit() else p for p in path.split(".")]
    steps: list[str | int] = []
    pos = 1
    while pos < len(path):
        match = _STEP.match(path, pos)
        if match is None:
            raise ValueError(f"bad JSON path {path!r} at {path[pos:]!r} (use $.a.b[0] or $['a.b'])")
        key, index, quoted = match.groups()
        steps.append(int(index) if index is not None else key if key is not None else quoted)
        pos = match.end()
    return steps


def lookup(doc: Any, path: str) -> tuple[bool, Any]:
    """``(True, value)`` when ``path`` names a value in ``doc``, else ``(False, None)``."""
    node = doc
    for step in split(path):
        if isinstance(node, dict) and str(step) in node:
            node = node[str(step)]
        elif isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
            node = node[step]
        else:
            return False, None
    return True, node
