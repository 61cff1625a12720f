"""YAML that remembers where every value came from.

``load(path)`` returns ordinary ``dict``/``list``/``str``... values, except that mappings are :class:`LDict`,
sequences :class:`LList` and scalars that are strings :class:`LStr`, each carrying the 1-based ``line`` it started
on, and mappings remember the line of each key (``LDict.key_lines``). Errors in user files can then read
``inventory.yml:42: containers[3].health: expected a mapping``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import SourceError


class LDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class LStr(str):
    line: int = 0


def line_of(value: Any, default: int = 0) -> int:
    """The line a loaded value started on, or ``default`` for values that carry none (ints, None...)."""
    return int(getattr(value, "line", default) or default)


if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:  # libyaml's scanner and parser when PyYAML has them (about 5x faster on big inventories), same constructors
    _Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader building line-carrying containers; duplicate keys are errors (YAML says they are)."""

    filename = "<string>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        out = LDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise SourceError(self.filename, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = self.construct_object(value_node, deep=True)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        out = LList(self.construct_object(child, deep=True) for child in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        out = LStr(self.construct_scalar(node))
        out.line = node.start_mark.line + 1
        return out


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_yaml_str)


class _TextLoader(_Loader):
    """Plain scalars keep their text, the way Go's YAML decoder fills string fields (Prometheus' rule and test
    files): ``values: 0x10`` stays ``"0x10"``, ``1.10`` stays ``"1.10"``. ``.nan``/``.inf`` still read as floats
    and ``~``/empty as null; :mod:`opsverify.schema` parses numbers and booleans from the text where a field wants them.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        ch: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
        for ch, resolvers in _Loader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_str(self, node: yaml.ScalarNode) -> Any:
        if node.style is None and _SPECIAL_FLOAT.match(node.value):
            return float(node.value.lower().lstrip("+").replace(".", "", 1))
        return super().construct_yaml_str(node)


_SPECIAL_FLOAT = re.compile(r"^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")
_TextLoader.add_constructor("tag:yaml.org,2002:str", _TextLoader.construct_yaml_str)


def loads(text: str, filename: str = "<string>", *, go_text: bool = False) -> Any:
    """Parse YAML text; syntax errors become :class:`SourceError` with the line.

    ``go_text=True`` keeps plain scalars as text, as Go's decoder does (see :class:`_TextLoader`).
    """
    try:
        bad = yaml.reader.Reader.NON_PRINTABLE.search(text)  # libyaml lets them through; PyYAML's reader does not
        if bad is not None:
            raise yaml.reader.ReaderError(
                filename, bad.start(), ord(bad.group()), "unicode", "special characters are not allowed"
            )
        loader = (_TextLoader if go_text else _Loader)(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc, yaml.reader.ReaderError) else 0
        raise SourceError(
            filename, line or (mark.line + 1 if mark else 0), f"invalid YAML: {_reader_problem(exc)}"
        ) from None
    loader.filename = filename
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise SourceError(filename, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(filename, 0, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def load(path: str | Path, *, go_text: bool = False) -> Any:
    """Read and parse a YAML file; a missing or unreadable file is a :class:`SourceError` too."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(str(p), 0, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(str(p), 0, f"cannot read: {exc}") from None
    return loads(text, str(p), go_text=go_text)


def _reader_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        return f"{exc.reason} #x{exc.character:04x} (control characters are not allowed)"
    return str(exc)
