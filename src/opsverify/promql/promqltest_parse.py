"""Reading Prometheus' promqltest files: load / clear / eval commands with their expectations."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from opsverify.durations import parse_duration
from opsverify.errors import SourceError
from opsverify.promql.notation import parse_number, parse_series_line
from opsverify.promql.values import Labels, PromQLError

_LOAD = re.compile(r"^load(?:_(with_nhcb))?\s+(.+?)$")
_INSTANT = re.compile(r"^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$")
_RANGE = re.compile(r"^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$")
_EXPECT = re.compile(r"^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$")
_RANGE_VECTOR = re.compile(r"^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$")


@dataclass
class LoadCmd:
    line: int
    interval_ms: int
    nhcb: bool
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ClearCmd:
    line: int


@dataclass
class Expected:
    labels: Labels
    values: list[float | None]
    pos: int


@dataclass
class EvalCmd:
    line: int
    expr: str
    start: int
    end: int
    step: int
    is_range: bool
    mode: str = ""  # fail / warn / info / ordered from eval_<mode>
    expects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    series: list[Expected] = field(default_factory=list)
    scalar: float | None = None
    string: str | None = None
    range_vector: bool = False
    fail_message: str | None = None
    fail_regexp: str | None = None
    unsupported: str | None = None

    @property
    def ordered(self) -> bool:
        return self.mode == "ordered" or "ordered" in self.expects

    @property
    def fail(self) -> bool:
        return self.mode == "fail" or "fail" in self.expects


Command = LoadCmd | ClearCmd | EvalCmd


def duration_ms(text: str) -> int:
    s = text.strip()
    sign = -1 if s.startswith("-") else 1
    return sign * round(parse_duration(s.lstrip("+-")) * 1000)


def parse_file(text: str, file: str) -> list[Command]:
    lines = [("" if ln.strip().startswith("#") else ln.strip()) for ln in text.split("\n")]
    cmds: list[Command] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        word = line.split(None, 1)[0].lower()
        try:
            if word == "clear":
                cmds.append(ClearCmd(i + 1))
                i += 1
            elif word.startswith("load"):
                i = _parse_load(lines, i, cmds)
            elif word.startswith("eval"):
                i = _parse_eval(lines, i, cmds)
            else:
                raise PromQLError(f"invalid command {line!r}")
        except (PromQLError, ValueError) as exc:
            raise SourceError(file, i + 1, str(exc)) from None
        except SourceError as exc:
            raise SourceError(file, exc.line, exc.message) from None
    return cmds


def _block(lines: list[str], i: int) -> list[tuple[int, str]]:
    out = []
    while i + 1 < len(lines) and lines[i + 1]:
        i += 1
        out.append((i + 1, lines[i]))
    return out


def _parse_load(lines: list[str], i: int, cmds: list[Command]) -> int:
    m = _LOAD.match(lines[i])
    if not m:
        raise PromQLError("invalid load command. (load[_with_nhcb] <step:duration>)")
    body = _block(lines, i)
    cmds.append(LoadCmd(i + 1, duration_ms(m.group(2)), m.group(1) == "with_nhcb", body))
    return i + 1 + len(body)


def _parse_eval(lines: list[str], i: int, cmds: list[Command]) -> int:
    inst, rng = _INSTANT.match(lines[i]), _RANGE.match(lines[i])
    if inst:
        t = duration_ms(inst.group(2) or "0")
        cmd = EvalCmd(i + 1, inst.group(3), t, t, 60_000, False, inst.group(1) or "")
    elif rng:
        start, end, step = (duration_ms(rng.group(k)) for k in (2, 3, 4))
        cmd = EvalCmd(i + 1, rng.group(5), start, end, step, True, rng.group(1) or "")
    else:
        raise PromQLError("invalid evaluation command")
    body = _block(lines, i)
    pos = 1
    for lineno, text in body:
        try:
            pos = _eval_line(cmd, text, pos)
        except PromQLError as exc:
            raise SourceError("", lineno, str(exc)) from None
    cmds.append(cmd)
    return i + 1 + len(body)


def _eval_line(cmd: EvalCmd, text: str, pos: int) -> int:
    if cmd.fail and text.startswith("expected_fail_message"):
        cmd.fail_message = text[len("expected_fail_message") :].strip()
        return pos
    if cmd.fail and text.startswith("expected_fail_regexp"):
        cmd.fail_regexp = text[len("expected_fail_regexp") :].strip()
        return pos
    rv = _RANGE_VECTOR.match(text)
    if rv:
        cmd.start, cmd.end, cmd.step = (duration_ms(rv.group(k)) for k in (1, 2, 3))
        cmd.range_vector = True
        return pos
    if text.startswith("expect string"):
        cmd.string = _go_unquote(text[len("expect string") :].strip())
        return pos
    if text.split(" ")[0] == "expect":
        m = _EXPECT.match(text)
        if not m:
            raise PromQLError(f"invalid expect statement {text!r}")
        cmd.expects.setdefault(m.group(1), []).append((m.group(2) or "any", (m.group(3) or "").strip()))
        return pos
    try:
        cmd.scalar = parse_number(text)
        return pos
    except PromQLError:
        pass
    if "{{" in text:
        cmd.unsupported = "native histograms in expected values"
        return pos + 1
    labels, values = parse_series_line(text)
    cmd.series.append(Expected(labels, values, pos))
    return pos + 1


def _go_unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == "`":
        return text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            value = ast.literal_eval(text)  # Go's and Python's escapes agree for double-quoted literals
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str):
            return value
    raise PromQLError("expected string literal not valid - check that the string is correctly quoted")
