"""Turn loaded YAML (see :mod:`opsverify.yamlsrc`) into typed dataclasses, with ``file:line`` errors.

Models are plain dataclasses; field types drive validation: ``str``, ``int``, ``float``, ``bool``,
:class:`Duration` (seconds, written ``5s``/``1h30m``), ``list[T]``, ``dict[str, T]``, ``T | None``, unions tried in
order, ``Literal[...]`` and nested dataclasses. A field's YAML key is its name unless ``metadata={"key": "..."}``.
Unknown keys, wrong types, bad durations and missing fields raise :class:`~opsverify.errors.SourceError`.
With ``ranges=True`` (the inventory) values are also checked by what their key names: durations are > 0, a
``*percent*`` is 0-100, a ``port``/``ports`` is 1-65535, ``max_*``/``min_*``/``*_bytes`` counts are >= 0,
``concurrency`` >= 1, so every new key of those kinds is checked without a line of its own.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import types
import typing
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from .durations import parse_duration
from .errors import SourceError
from .yamlsrc import LDict, LList, line_of


class Duration(float):
    """Seconds, written in YAML as a Prometheus duration (``500ms``, ``5s``, ``24h``) or a number."""


T = TypeVar("T")
_NONE = type(None)


@functools.cache
def _model(cls: type[Any]) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """A dataclass's resolved field types and its fields by YAML key, once per class (not once per entry)."""
    fields = {f.metadata.get("key", f.name): f for f in dataclasses.fields(cls) if f.init}
    return typing.get_type_hints(cls), fields


class Converter:
    """Converts one file's loaded YAML; ``error_type`` lets callers raise their own SourceError subclass."""

    def __init__(self, filename: str, error_type: type[SourceError] = SourceError, *, ranges: bool = False) -> None:
        self.filename = filename
        self.error_type = error_type
        self.ranges = ranges

    def fail(self, line: int, path: str, message: str) -> SourceError:
        where = f"{path}: " if path else ""
        return self.error_type(self.filename, line, f"{where}{message}")

    def convert(self, value: Any, tp: Any, path: str, line: int) -> Any:
        line = line_of(value, line)
        origin = get_origin(tp)
        if tp is Any:
            return value
        if origin in (Union, types.UnionType):
            return self._union(value, get_args(tp), path, line)
        if origin is Literal:
            return self._literal(value, get_args(tp), path, line)
        if origin is list:
            return self._list(value, get_args(tp)[0], path, line)
        if origin is dict:
            return self._dict(value, get_args(tp)[1], path, line)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self.dataclass(value, tp, path, line)
        return self._scalar(value, tp, path, line)

    def dataclass(self, value: Any, cls: type[T], path: str, line: int) -> T:
        if not isinstance(value, dict):
            raise self.fail(line, path, f"expected a mapping, got {_describe(value)}")
        hints, fields = _model(cls)  # type: ignore[arg-type]
        for key in value:
            if key not in fields:
                raise self.fail(_key_line(value, key, line), path, _unknown_key(key, list(fields)))
        kwargs: dict[str, Any] = {}
        for key, field in fields.items():
            sub = f"{path}.{key}" if path else key
            if key in value:
                key_line = _key_line(value, key, line)
                kwargs[field.name] = self.convert(value[key], hints[field.name], sub, key_line)
                if self.ranges:
                    self._in_range(key, kwargs[field.name], sub, key_line)
            elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise self.fail(line, path, f"missing required key {key!r}")
        try:
            return cls(**kwargs)
        except ValueError as exc:  # __post_init__ cross-field validation
            raise self.fail(line, path, str(exc)) from None

    def _in_range(self, key: str, value: Any, path: str, line: int) -> None:
        """The range a key's name implies (``ranges=True``); lists are checked item by item."""
        for item in value if isinstance(value, list) else [value]:
            problem = _range_problem(key, item)
            if problem:
                raise self.fail(line, path, problem)

    def _union(self, value: Any, options: tuple[Any, ...], path: str, line: int) -> Any:
        if value is None and _NONE in options:
            return None
        candidates = [o for o in options if o is not _NONE]
        shaped = [o for o in candidates if _same_shape(value, o)]
        if len(candidates) == 1:  # `T | None`: T's own error is the best one
            return self.convert(value, candidates[0], path, line)
        if len(shaped) == 1:  # e.g. a list given for `int | list[int]`: that option's error is the best one
            return self.convert(value, shaped[0], path, line)
        for option in candidates:
            try:
                return self.convert(value, option, path, line)
            except SourceError:
                continue
        names = " or ".join(_type_name(o) for o in candidates)
        raise self.fail(line, path, f"expected {names}, got {_describe(value)}")

    def _literal(self, value: Any, allowed: tuple[Any, ...], path: str, line: int) -> Any:
        if value in allowed and not isinstance(value, bool):
            return str(value) if isinstance(value, str) else value
        choices = ", ".join(repr(a) for a in allowed)
        raise self.fail(line, path, f"{_show(value)} is not one of {choices}")

    def _list(self, value: Any, item_tp: Any, path: str, line: int) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(line, path, f"expected a list, got {_describe(value)}")
        lines = value.item_lines if isinstance(value, LList) else [line] * len(value)
        return [self.convert(v, item_tp, f"{path}[{i}]", lines[i]) for i, v in enumerate(value)]

    def _dict(self, value: Any, item_tp: Any, path: str, line: int) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(line, path, f"expected a mapping, got {_describe(value)}")
        return {
            str(k): self.convert(v, item_tp, f"{path}.{k}" if path else str(k), _key_line(value, k, line))
            for k, v in value.items()
        }

    def _scalar(self, value: Any, tp: Any, path: str, line: int) -> Any:
        if tp is Duration:
            return self._duration(value, path, line)
        if tp is datetime.date:
            return self._date(value, path, line)
        if tp is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
        elif tp is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                return int(value)
        elif tp is float:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    pass
        elif tp is str:
            if isinstance(value, str):
                return str(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
        else:  # pragma: no cover - a model uses a type this converter does not know
            raise TypeError(f"schema: unsupported field type {tp!r}")
        raise self.fail(line, path, f"expected {_type_name(tp)}, got {_describe(value)}")

    def _date(self, value: Any, path: str, line: int) -> datetime.date:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(line, path, f"expected a date like 2026-12-31, got {_describe(value)}")

    def _duration(self, value: Any, path: str, line: int) -> Duration:
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return Duration(value)
        if isinstance(value, str):
            try:
                return Duration(parse_duration(value))
            except ValueError as exc:
                raise self.fail(line, path, str(exc)) from None
        raise self.fail(line, path, f"expected a duration like 5s or 1h30m, got {_describe(value)}")


def _range_problem(key: str, value: Any) -> str | None:
    if isinstance(value, Duration) and value <= 0:
        return f"must be a duration > 0, got {value:g}s"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if "percent" in key and not 0 <= value <= 100:
        return f"{value:g} is not a percentage (0-100)"
    if key in ("port", "ports") and not 1 <= value <= 65535:
        return f"{value:g} is not a TCP port (1-65535)"
    if key.startswith(("max_", "min_")) or key.endswith(("_bytes", "_days", "_length")):
        return f"must be >= 0, got {value:g}" if value < 0 else None
    if key in ("concurrency", "workers") and value < 1:
        return f"must be >= 1, got {value:g}"
    return None


def _same_shape(value: Any, tp: Any) -> bool:
    origin = get_origin(tp)
    if isinstance(value, list):
        return origin is list
    if isinstance(value, dict):
        return origin is dict or dataclasses.is_dataclass(tp)
    return False


def _key_line(mapping: Any, key: Any, default: int) -> int:
    return mapping.line_of(key) if isinstance(mapping, LDict) else default


def _unknown_key(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(sorted(known))})"
    return f"unknown key {key!r}{hint}"


def _type_name(tp: Any) -> str:
    if tp is Duration:
        return "a duration"
    if tp is datetime.date:
        return "a date"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    if get_origin(tp) is list:
        return "a list"
    if get_origin(tp) is dict:
        return "a mapping"
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"string {_show(value)}"
    return f"{type(value).__name__} {value!r}"


def _show(value: Any) -> str:
    text = repr(str(value)) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"
