"""Go's ``fmt`` as templates see it: ``%v`` of every value kind, ``Sprint``, ``Sprintf`` with the common verbs.

Values are modelled as Python values: ``float`` is float64, ``int`` is int, ``str`` string, ``bool`` bool,
``None`` nil, :class:`GoMap` a map, ``list`` a slice, :class:`GoStruct` a struct.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from .values import GoMap, GoStruct, go_type


def shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of a finite non-zero float and its decimal exponent (d.ddd x 10^exp)."""
    _sign, digits, exp = Decimal(repr(abs(x))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    point = len(digits) + int(exp)  # position of the decimal point after the first len(digits) digits
    return text, point - 1


def _exp_form(digits: str, exp: int, upper: bool = False) -> str:
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if exp < 0 else "+"
    e = "E" if upper else "e"
    return f"{mant}{e}{sign}{abs(exp):02d}"


def _plain_form(digits: str, exp: int) -> str:
    if exp < 0:
        return "0." + "0" * (-exp - 1) + digits
    if len(digits) <= exp + 1:
        return digits + "0" * (exp + 1 - len(digits))
    return digits[: exp + 1] + "." + digits[exp + 1 :]


def _special(x: float, plus: bool = False) -> str | None:
    if math.isnan(x):
        return "+NaN" if plus else "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return None


def format_float_v(x: float) -> str:
    """Go ``%v`` of a float64: strconv 'g' shortest, exponent form when exp < -4 or exp >= 6 (``1e+06``)."""
    special = _special(x)
    if special is not None:
        return special
    neg = math.copysign(1.0, x) < 0
    if x == 0:
        return "-0" if neg else "0"
    digits, exp = shortest_digits(x)
    body = _exp_form(digits, exp) if exp < -4 or exp >= 6 else _plain_form(digits, exp)
    return ("-" if neg else "") + body


def format_float(x: float, verb: str, prec: int | None, plus: bool = False, sharp: bool = False) -> str:
    """Go float formatting for verbs v g G e E f F with an optional precision."""
    special = _special(x, plus)
    if special is not None:
        return special
    if verb in "vgG" and prec is None:
        out = format_float_v(x)
        out = out.upper() if verb == "G" else out
    elif verb in "gG":
        out = _pyfmt(x, f"{'#' if sharp else ''}.{max(prec or 0, 1)}{verb}")
    elif verb in "eE":
        out = _pyfmt(x, f".{6 if prec is None else prec}{verb}")
    else:
        out = _pyfmt(x, f".{6 if prec is None else prec}f")
    if plus and not out.startswith("-"):
        out = "+" + out
    return out


def _pyfmt(x: float, spec: str) -> str:
    return format(x, spec)


def sprint_value(v: Any) -> str:
    """Go ``%v`` of any modelled value, as ``{{ . }}`` prints it."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return format_float_v(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return v
    if isinstance(v, GoMap):
        return "map[" + " ".join(f"{sprint_value(k)}:{sprint_value(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, GoStruct):
        inner = "{" + " ".join(sprint_value(f) for f in v.fields.values()) + "}"
        return ("&" if v.pointer else "") + inner
    if isinstance(v, list | tuple):
        return "[" + " ".join(sprint_value(x) for x in v) + "]"
    return str(v)


def sprint(args: list[Any]) -> str:
    """Go ``fmt.Sprint``: spaces between operands when neither side is a string."""
    out: list[str] = []
    for i, a in enumerate(args):
        if i > 0 and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(sprint_value(a))
    return "".join(out)


def sprintln(args: list[Any]) -> str:
    return " ".join(sprint_value(a) for a in args) + "\n"


_VERB = re.compile(r"%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])")


def sprintf(fmt: str, args: list[Any]) -> str:
    """Go ``fmt.Sprintf`` for the verbs alert templates use; bad verbs render as Go renders them (``%!d(...)``)."""
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        flags, width_s, prec_s, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        width, argi = _star(width_s, args, argi)
        prec, argi = _star(prec_s, args, argi) if m.group(0).find(".") >= 0 else (None, argi)
        if m.group(0).find(".") >= 0 and prec is None:
            prec = 0
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        text = format_verb(args[argi], verb, flags, prec)
        argi += 1
        out.append(_pad(text, width, flags, args[argi - 1]))
    out.append(fmt[pos:])
    if argi < len(args):
        extra = ", ".join(f"{go_type(a)}={sprint_value(a)}" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _star(spec: str | None, args: list[Any], argi: int) -> tuple[int | None, int]:
    if spec is None:
        return None, argi
    if spec == "*":
        value = args[argi] if argi < len(args) and isinstance(args[argi], int) else None
        return value, argi + 1
    return int(spec), argi


def _pad(text: str, width: int | None, flags: str, value: Any) -> str:
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if "0" in flags and numeric and text[:1] in "+-":
        return text[0] + text[1:].rjust(width - 1, "0")
    return text.rjust(width, "0" if "0" in flags and numeric else " ")


def _bad(verb: str, value: Any) -> str:
    if value is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type(value)}={sprint_value(value)})"


def format_verb(value: Any, verb: str, flags: str, prec: int | None) -> str:
    """Format one operand for one verb."""
    plus = "+" in flags
    if verb == "T":
        return go_type(value) if value is not None else "<nil>"
    if isinstance(value, bool):
        return sprint_value(value) if verb in "tv" else _bad(verb, value)
    if isinstance(value, float):
        return format_float(value, verb, prec, plus, "#" in flags) if verb in "vgGeEfF" else _bad(verb, value)
    if isinstance(value, int):
        return _format_int(value, verb, plus)
    if isinstance(value, str):
        return _format_str(value, verb, prec)
    if verb in "vs" and value is not None:
        return sprint_value(value)
    if verb == "v":
        return "<nil>"
    return _bad(verb, value)


def _format_int(value: int, verb: str, plus: bool) -> str:
    sign = "+" if plus and value >= 0 else ""
    if verb in "dv":
        return sign + str(value)
    if verb in "xXob":
        return sign + format(value, verb)
    if verb == "c":
        return chr(value)
    if verb == "q":
        return "'" + chr(value) + "'"
    return _bad(verb, value)


def _format_str(value: str, verb: str, prec: int | None) -> str:
    if verb in "sv":
        return value if prec is None else value[:prec]
    if verb == "q":
        return go_quote(value)
    if verb in "xX":
        out = value.encode().hex()
        return out.upper() if verb == "X" else out
    return _bad(verb, value)


def go_quote(s: str) -> str:
    """strconv.Quote."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b"}
    escapes |= {"\f": "\\f", "\v": "\\v"}
    out = []
    for ch in s:
        if ch in escapes:
            out.append(escapes[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
