"""Run files in Prometheus' promqltest format and report passed / failed / unsupported per file.

``unsupported`` is only ever: native histograms in the data or expectations, syntax promql-parser cannot
parse, or a feature refused on purpose (UnsupportedError). A wrong answer is always a failure.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import promql_parser

from opsverify.errors import SourceError
from opsverify.promql.byteescapes import rewrite_byte_escapes
from opsverify.promql.engine import Engine
from opsverify.promql.promqltest_check import Mismatch, check_annotations, check_failure, compare
from opsverify.promql.promqltest_parse import ClearCmd, EvalCmd, LoadCmd, parse_file
from opsverify.promql.promqltest_taint import Tainted, load_block
from opsverify.promql.storage import Storage
from opsverify.promql.values import InstantVector, PromQLError, Sample, Scalar, UnsupportedError


@dataclass
class FileResult:
    path: str
    passed: int = 0
    failed: int = 0
    unsupported: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


class _Unsupported(Exception):
    pass


def run_file(path: str) -> FileResult:
    """Run one promqltest file; a file that cannot be read counts as one failure."""
    result = FileResult(path)
    try:
        cmds = parse_file(Path(path).read_text(encoding="utf-8"), path)
    except (OSError, SourceError) as exc:
        result.failed += 1
        result.failures.append(str(exc))
        return result
    storage, tainted = Storage(), Tainted()
    engine = Engine(storage, delayed_name_removal=True)
    for cmd in cmds:
        if isinstance(cmd, ClearCmd):
            storage.clear()
            tainted.clear()
        elif isinstance(cmd, LoadCmd):
            try:
                load_block(storage, tainted, cmd, path)
            except SourceError as exc:
                result.failed += 1
                result.failures.append(str(exc))
                return result
        else:
            _run_eval(engine, tainted, cmd, result)
    return result


def _run_eval(engine: Engine, tainted: Tainted, cmd: EvalCmd, result: FileResult) -> None:
    try:
        _eval(engine, tainted, cmd)
    except _Unsupported as exc:
        result.unsupported[str(exc)] += 1
    except Mismatch as exc:
        result.failed += 1
        result.failures.append(f"{result.path}:{cmd.line}: {cmd.expr}\n    {exc}")
    else:
        result.passed += 1


def _parse(cmd: EvalCmd) -> Any:
    if cmd.unsupported:
        raise _Unsupported(cmd.unsupported)
    try:
        return promql_parser.parse(rewrite_byte_escapes(cmd.expr))
    except (ValueError, RuntimeError, TypeError):
        raise _Unsupported("syntax promql-parser cannot parse") from None


def _query(engine: Engine, cmd: EvalCmd, node: Any, t: int, pin: int | None) -> InstantVector | Scalar | Any:
    if cmd.is_range:
        return engine.range(node, cmd.start, cmd.end, cmd.step)
    return engine.instant(node, t, pin_at_ms=pin)


def _eval(engine: Engine, tainted: Tainted, cmd: EvalCmd) -> None:
    node = _parse(cmd)
    reason = tainted.reason(node)
    if reason:
        raise _Unsupported(reason)
    for t, pin in _variants(cmd, node):
        try:
            _eval_once(engine, cmd, node, t, pin)
        except Mismatch as exc:
            if pin is None:
                raise
            raise Mismatch(
                f"with every selector pinned '@ {pin / 1000:g}', evaluated at {t / 1000:g}s: {exc}"
            ) from None


def _variants(cmd: EvalCmd, node: Any) -> list[tuple[int, int | None]]:
    """The eval itself, then promqltest's @-modifier variants: selectors pinned at the eval time, other times."""
    t = cmd.end
    if cmd.is_range or _calls(node) & _AT_UNSAFE:
        return [(t, None)]
    times = [-1000, 0, 1000] if t == 0 else [-10 * t, 0, int(t / 5), t, 10 * t]
    return [(t, None)] + [(et, t) for et in times]


_AT_UNSAFE = {
    "days_in_month",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "end",
    "hour",
    "minute",
    "month",
    "year",
    "predict_linear",
    "range",
    "start",
    "step",
    "time",
    "timestamp",
}


def _calls(node: Any) -> set[str]:
    found = {node.func.name} if type(node).__name__ == "Call" else set()
    children = [getattr(node, a, None) for a in ("expr", "lhs", "rhs", "param", "vector_selector")]
    children += list(getattr(node, "args", None) or [])
    for child in children:
        if child is not None and type(child).__module__.startswith("promql_parser"):
            found |= _calls(child)
    return found


def _eval_once(engine: Engine, cmd: EvalCmd, node: Any, t: int, pin: int | None) -> None:
    try:
        value = _query(engine, cmd, node, t, pin)
    except UnsupportedError as exc:
        raise _Unsupported(str(exc)) from None
    except PromQLError as exc:
        if not cmd.fail:
            raise Mismatch(f"error evaluating query: {exc}") from None
        check_failure(cmd, str(exc))
        return
    if cmd.fail:
        raise Mismatch("expected error evaluating query but got none")
    check_annotations(cmd, engine.annotations)
    compare(cmd, value)
    if not cmd.is_range and _range_check_applies(cmd, value):
        _range_mode(engine, cmd, node, value, t, pin)


def _range_check_applies(cmd: EvalCmd, value: Any) -> bool:
    if cmd.range_vector or cmd.string is not None or cmd.ordered:
        return False
    if any(f"{w}()" in cmd.expr for w in ("start", "end", "range", "step")):
        return False
    return isinstance(value, InstantVector | Scalar)


def _range_mode(engine: Engine, cmd: EvalCmd, node: Any, value: Any, t: int, pin: int | None) -> None:
    """promqltest also runs an instant eval as a range query around t and checks the middle step."""
    try:
        res = engine.range(node, t - 60_000, t + 60_000, 60_000, pin_at_ms=pin)
    except PromQLError as exc:
        raise Mismatch(f"error in range mode: {exc}") from None
    samples = []
    for s in res.series:
        samples += [(s.labels, v) for pt, v in s.points if pt == t]
    try:
        if isinstance(value, Scalar):
            compare(cmd, Scalar(samples[0][1], t))
        else:
            compare(cmd, InstantVector([Sample(lbl, v, t) for lbl, v in samples], t))
    except (Mismatch, IndexError) as exc:
        raise Mismatch(f"range mode: {exc}") from None


def _summary(r: FileResult) -> str:
    total_unsup = sum(r.unsupported.values())
    reasons = ", ".join(f"{k}: {v}" for k, v in sorted(r.unsupported.items()))
    extra = f" ({reasons})" if reasons else ""
    return f"{r.passed} passed, {r.failed} failed, {total_unsup} unsupported{extra}"


def invalid_files(paths: list[str]) -> list[str]:
    """``file:line: what`` for every file that cannot be read, parsed, or whose ``load`` blocks are malformed."""
    problems = []
    for path in paths:
        try:
            for cmd in parse_file(Path(path).read_text(encoding="utf-8"), path):
                if isinstance(cmd, LoadCmd):
                    load_block(Storage(), Tainted(), cmd, path)
        except OSError as exc:
            problems.append(f"{path}: cannot read: {exc.strerror or exc}")
        except SourceError as exc:
            problems.append(str(exc))
    return problems


def main(paths: list[str], out: TextIO = sys.stdout, verbose: bool = False) -> int:
    """Run promqltest files, print one line per file and a total; 1 if anything failed, 4 (and nothing run)
    when a file is malformed: each problem is printed to stderr as ``file:line: what``."""
    problems = invalid_files(paths)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 4
    total = FileResult("TOTAL")
    for path in paths:
        r = run_file(path)
        print(f"{path}: {_summary(r)}", file=out)
        if verbose:
            for failure in r.failures:
                print(f"  FAIL {failure}", file=out)
        total.passed += r.passed
        total.failed += r.failed
        total.unsupported.update(r.unsupported)
    print(f"TOTAL: {_summary(total)}", file=out)
    return 1 if total.failed else 0


if __name__ == "__main__":  # pragma: no cover
    args = sys.argv[1:]
    sys.exit(main([a for a in args if a != "-v"], verbose="-v" in args))
