"""``opsverify rules lint FILE...``: one ``file:line: severity id: message`` line per problem."""

from __future__ import annotations


def lint_main(paths: list[str], *, disabled: set[str], severities: list[str] | None) -> int:
    raise NotImplementedError
