"""How Go values are modelled for the template interpreter, with Go's type names and truth."""

from __future__ import annotations

from typing import Any


class GoMap(dict[str, Any]):
    """A Go map; ``elem`` is the element type name (its zero value is returned for a missing key)."""

    def __init__(self, items: Any = (), elem: str = "string") -> None:
        super().__init__(items)
        self.elem = elem

    def zero(self) -> Any:
        return ZEROS.get(self.elem)


class GoStruct:
    """A Go struct value (or pointer to one) with named fields in declaration order."""

    def __init__(self, type_name: str, fields: dict[str, Any], pointer: bool = False) -> None:
        self.type_name = type_name
        self.fields = fields
        self.pointer = pointer


ZEROS: dict[str, Any] = {"string": "", "float64": 0.0, "int": 0, "bool": False}


def go_type(v: Any) -> str:
    """Go's ``%T`` of a modelled value."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, int):
        return "int"
    if isinstance(v, str):
        return "string"
    if isinstance(v, GoMap):
        return f"map[string]{v.elem}"
    if isinstance(v, GoStruct):
        return ("*" if v.pointer else "") + v.type_name
    if isinstance(v, list):
        return "[]interface {}"
    return str(getattr(v, "go_type_name", type(v).__name__))


def truth(v: Any) -> bool:
    """Go template truth: false, 0, nil, and empty strings, maps and slices are false."""
    if v is None:
        return False
    if isinstance(v, bool | int | float | str | list | dict):
        return bool(v)
    return True
