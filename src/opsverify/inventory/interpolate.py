"""``${VAR}`` and ``${VAR:-default}`` in inventory strings; ``$$`` is a literal ``$``. Lines are preserved."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InventoryError
from ..yamlsrc import LDict, LList, LStr, line_of

_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$\{([^}]*)\}?")


def interpolate(
    value: Any,
    variables: Mapping[str, str],
    filename: str,
    on_use: Callable[[str, str], None] | None = None,
    skip: frozenset[str] = frozenset(),
) -> Any:
    """Return ``value`` with every string interpolated; ``on_use(name, value)`` sees each substitution."""
    if isinstance(value, dict):
        out = LDict()
        out.line, out.key_lines = line_of(value), getattr(value, "key_lines", {})
        for k, v in value.items():
            out[k] = v if k in skip else interpolate(v, variables, filename, on_use)
        return out
    if isinstance(value, list):
        lst = LList(interpolate(v, variables, filename, on_use) for v in value)
        lst.line, lst.item_lines = line_of(value), getattr(value, "item_lines", [])
        return lst
    if isinstance(value, str) and "$" in value:
        result = LStr(expand(value, variables, filename, line_of(value), on_use))
        result.line = line_of(value)
        return result
    return value


def expand(
    text: str,
    variables: Mapping[str, str],
    filename: str,
    line: int,
    on_use: Callable[[str, str], None] | None = None,
) -> str:
    def sub(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        if name is None:
            raise InventoryError(
                filename,
                line,
                f"bad variable reference {match.group(0)!r}: use ${{NAME}} or ${{NAME:-default}}",
            )
        if name in variables and (variables[name] != "" or default is None):
            found = variables[name]
        elif default is not None:
            found = default
        else:
            raise InventoryError(
                filename,
                line,
                f"variable ${{{name}}} is not set (export it, add it under environments.<env>.vars, or write ${{{name}:-default}})",
            )
        if on_use:
            on_use(name, found)
        return found

    return _REF.sub(sub, text)
