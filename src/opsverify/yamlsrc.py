"""YAML that remembers where every value came from, read within bounds.

``load(path)`` returns ordinary ``dict``/``list``/``str``... values, except that mappings are :class:`LDict`,
sequences :class:`LList` and scalars that are strings :class:`LStr`, each carrying the 1-based ``line`` it started
on, and mappings remember the line of each key (``LDict.key_lines``). Errors in user files can then read
``inventory.yml:42: containers[3].health: expected a mapping``.

Hostile input ends as such an error too, never as a traceback or a hang: files are bounded in size, nesting depth and
the number of values after alias expansion (a "billion laughs" file), and must be UTF-8 text (see :class:`Limits`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .errors import SourceError


def _fast_parser() -> Any:
    """libyaml's parser: the same events and marks, parsed in C (pure-Python parsing takes ~5 s per MB)."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return None
    return CParser


_FastParser: Any = _fast_parser()


@dataclass(frozen=True)
class Limits:
    """Bounds on one YAML file; past any of them it is a ``file:line`` error, before any value is built."""

    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 100  # nested mappings/sequences, counting what aliases bring in
    max_values: int = 1_000_000  # every mapping, sequence and scalar, counting each alias expansion in full


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


class _Constructor(yaml.constructor.SafeConstructor):
    """SafeConstructor building line-carrying containers; duplicate keys are errors (YAML says they are)."""

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

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """``2030-13-45`` looks like a date to YAML but is none: a ``file:line`` error, not a ValueError."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise SourceError(self.filename, node.start_mark.line + 1, f"bad date {node.value!r}: {exc}") from None


_constructor: Any = _Constructor  # PyYAML's stubs type add_constructor for its own loader classes only
_constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_mapping)
_constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor.construct_sequence)
_constructor.add_constructor("tag:yaml.org,2002:str", _Constructor.construct_yaml_str)
_constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
              _Constructor, yaml.resolver.Resolver):  # fmt: skip
    """The pure-Python loader (SafeLoader's parts with our constructor)."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


class _GoText:
    """Plain scalars keep their text, the way Go's YAML decoder fills string fields (Prometheus' rule and test
    files): ``values: 0x10`` stays ``"0x10"``, ``1.10`` stays ``"1.10"``. ``.nan``/``.inf`` still read as floats
    and ``~``/empty as null; :mod:`opsverify.schema` parses numbers and booleans from the text where a field wants them.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        ch: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
        for ch, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    }

    def construct_yaml_str(self, node: yaml.ScalarNode) -> Any:
        if node.style is None and _SPECIAL_FLOAT.match(node.value):
            return float(node.value.lower().lstrip("+").replace(".", "", 1))
        return _Constructor.construct_yaml_str(self, node)  # type: ignore[arg-type]


class _TextLoader(_GoText, _Loader):
    pass


_SPECIAL_FLOAT = re.compile(r"^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")
_TextLoader.add_constructor("tag:yaml.org,2002:str", _TextLoader.construct_yaml_str)  # type: ignore[type-var]
_LOADERS: dict[bool, Any] = {False: _Loader, True: _TextLoader}

if _FastParser is not None:

    class _FastLoader(_FastParser, _Constructor, yaml.resolver.Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            _FastParser.__init__(self, stream)
            _Constructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    class _FastTextLoader(_GoText, _FastLoader):
        pass

    _FastTextLoader.add_constructor("tag:yaml.org,2002:str", _FastTextLoader.construct_yaml_str)  # type: ignore[type-var]
    _LOADERS = {False: _FastLoader, True: _FastTextLoader}


def loads(text: str, filename: str = "<string>", *, go_text: bool = False, limits: Limits | None = None) -> Any:
    """Parse YAML text; syntax errors and files past ``limits`` become :class:`SourceError` with the line.

    ``go_text=True`` keeps plain scalars as text, as Go's decoder does (see :class:`_GoText`).
    """
    limits = limits or Limits()
    _check_size(text, filename, limits)
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)  # libyaml lets some through; PyYAML's reader does not
    if bad is not None:
        exc = yaml.reader.ReaderError(filename, bad.start(), ord(bad.group()), "unicode", "special characters")
        raise _syntax_error(exc, text, filename)
    _check_shape(text, filename, limits)
    try:
        loader = _LOADERS[go_text](text)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, filename) from None
    loader.filename = filename
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, filename) from None
    finally:
        loader.dispose()


def load(path: str | Path, *, go_text: bool = False, limits: Limits | None = None) -> Any:
    """Read and parse a YAML file; a missing, unreadable, oversized or non-UTF-8 file is a :class:`SourceError` too."""
    p = Path(path)
    limits = limits or Limits()
    if p.exists() and not p.is_file():  # a FIFO would block the read forever, a folder cannot be read
        raise SourceError(str(p), 0, "not a regular file")
    try:
        with p.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise SourceError(str(p), 0, "file not found") from None
    except OSError as exc:
        raise SourceError(str(p), 0, f"cannot read: {exc.strerror or exc}") from None
    return loads(decode(data, str(p), limits), str(p), go_text=go_text, limits=limits)


def decode(data: bytes, filename: str, limits: Limits | None = None) -> str:
    """UTF-8 text from a file's bytes (a UTF-8 BOM is allowed); anything else is a ``file:line`` error saying what."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        line = data.count(b"\n", 0, limits.max_bytes) + 1
        raise SourceError(filename, line, f"file larger than {_size(limits.max_bytes)}: not read any further")
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):  # fmt: skip
        if data.startswith(bom):
            raise SourceError(filename, 1, f"file is {name} text; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise SourceError(
            filename, line, "binary data (a NUL byte), not YAML text; UTF-16 files must be saved as UTF-8"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start]
        raise SourceError(
            filename, line, f"not UTF-8 text (byte 0x{byte:02x} at column {column}; Latin-1?): save the file as UTF-8"
        ) from None


def _check_size(text: str, filename: str, limits: Limits) -> None:
    if len(text) > limits.max_bytes:
        line = text.count("\n", 0, limits.max_bytes) + 1
        raise SourceError(filename, line, f"file larger than {_size(limits.max_bytes)}: not read any further")


def _check_shape(text: str, filename: str, limits: Limits) -> None:
    """Walk the parser's events once (no values built) and stop at the first bound crossed.

    Each anchored node's expanded size and height are remembered, so an alias counts as everything it brings in.
    Syntax errors are left to the loader, which reports them with its own wording.
    """
    parser = _FastParser(text) if _FastParser is not None else _Loader(text)
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, height)
    stack: list[list[Any]] = []  # open collections: [anchor, values, height]
    total = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                stack.append([event.anchor, 1, 1])
                if len(stack) > limits.max_depth:
                    _too_deep(filename, event, limits)
                continue
            if isinstance(event, yaml.ScalarEvent):
                size, height = 1, 0
                if event.anchor:
                    sizes[event.anchor] = (1, 0)
            elif isinstance(event, yaml.AliasEvent):
                size, height = sizes.get(event.anchor or "", (1, 0))
                if len(stack) + height > limits.max_depth:
                    _too_deep(filename, event, limits)
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size, height = stack.pop()
                if anchor:
                    sizes[anchor] = (size, height)
            else:
                continue
            if stack:
                stack[-1][1] += size
                stack[-1][2] = max(stack[-1][2], height + 1)
            total += size if not stack else 0
            if total > limits.max_values or (stack and stack[-1][1] > limits.max_values):
                raise SourceError(
                    filename,
                    event.start_mark.line + 1,
                    f"more than {limits.max_values:,} values once aliases are expanded: not read any further",
                )
    except yaml.YAMLError:
        return
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()


def _too_deep(filename: str, event: Any, limits: Limits) -> NoReturn:
    raise SourceError(
        filename, event.start_mark.line + 1, f"nested deeper than {limits.max_depth} levels: not read any further"
    )


def _syntax_error(exc: yaml.YAMLError, text: str, filename: str) -> SourceError:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return SourceError(filename, line, f"invalid YAML: {_reader_problem(exc)}")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return SourceError(filename, mark.line + 1 if mark else 0, f"invalid YAML: {exc.problem or exc.context}")
    return SourceError(filename, 0, f"invalid YAML: {exc}")


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    return f"special characters are not allowed #x{exc.character:04x} (control characters are not allowed)"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MiB" if n >= 1024 * 1024 else f"{n / 1024:g} KiB"
