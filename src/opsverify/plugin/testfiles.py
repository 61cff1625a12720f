"""Collecting YAML test files (promtool rule tests, Alertmanager tests) as pytest files: the part both collectors
share. Files given explicitly are always collected (even outside the paths pytest was given); files matching the
ini patterns only when those are set or opsverify is active (``--inventory``): a project that asks for neither
sees no change."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .options import inventory_path


@dataclass
class Wanted:
    explicit: set[Path] = field(default_factory=set)
    patterns: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.explicit or self.patterns)

    def matches(self, file_path: Path) -> bool:
        return file_path.resolve() in self.explicit or any(fnmatch.fnmatch(file_path.name, p) for p in self.patterns)


def configure(config: pytest.Config, option: str, ini: str, defaults: list[str], marker: str) -> Wanted:
    """What to collect, from ``--<option> PATH`` and ini ``<ini>``; registers the ``alerts`` marker when needed."""
    wanted = Wanted({Path(p).resolve() for p in config.getoption(option) or []}, list(config.getini(ini)))
    if not wanted.patterns and inventory_path(config) is not None:
        wanted.patterns = list(defaults)
    if not wanted:
        return wanted  # inert
    if not any(str(line).startswith("alerts") for line in config.getini("markers")):
        config.addinivalue_line("markers", marker)
    args = [Path(a.split("::")[0]).resolve() for a in config.args]
    for path in sorted(wanted.explicit):  # collect them even when they lie outside the paths pytest was given
        if not any(path == a or a in path.parents for a in args):
            config.args.append(str(path))
    return wanted
