"""YAML for rule and test files read the way Go's yaml decoder fills string fields: a plain scalar keeps its text
(``values: 0x10`` stays ``"0x10"``, not 16; ``version: 1.10`` stays ``"1.10"``); numbers and booleans are parsed
later from that text by :mod:`opsverify.schema`. ``.nan``/``.inf`` still read as floats, ``~``/empty as null."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from opsverify import yamlsrc
from opsverify.errors import SourceError

_SPECIAL_FLOAT = re.compile(r"^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")


class _TextLoader(yamlsrc._Loader):
    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        ch: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
        for ch, resolvers in yamlsrc._Loader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_str(self, node: yaml.ScalarNode) -> Any:
        if node.style is None and _SPECIAL_FLOAT.match(node.value):
            text = node.value.lower().lstrip("+")
            return float(text.replace(".", "", 1))
        return super().construct_yaml_str(node)


_TextLoader.add_constructor("tag:yaml.org,2002:str", _TextLoader.construct_yaml_str)


def load(path: str | Path) -> Any:
    """Read and parse a rule or test file; errors are SourceError with the line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(str(p), 0, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(str(p), 0, f"cannot read: {exc}") from None
    loader = _TextLoader(text)
    loader.filename = str(p)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SourceError(str(p), mark.line + 1 if mark else 0, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(str(p), 0, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
