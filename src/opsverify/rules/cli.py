"""``opsverify rules test FILE...``: promtool ``test rules`` behaviour (output, verdicts, exit 0/1, --run, --junit)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from opsverify.errors import SourceError
from opsverify.promql.regex import compile_go

from .junit import write_junit
from .runner import GroupResult, TestFileRunner, load_runner
from .session import LOOKBACK_MS


def run_file(
    path: str, run: str | None, out: TextIO, lookback_ms: int = LOOKBACK_MS
) -> tuple[bool, list[GroupResult], str]:
    """Run one test file; print promtool's report; return (passed, group results, fatal error text)."""
    print(f"Unit Testing:  {path}", file=out)
    try:
        runner = load_runner(path, lookback_ms)
    except SourceError as exc:
        print(f"  FAILED:\n{exc}\n", file=out)
        return False, [], str(exc)
    for warning in runner.file.warnings:
        print(f"  WARNING: {warning}", file=out)
    results = run_groups(runner, run)
    failures = [msg for r in results for msg in r.failures]
    if failures:
        print("  FAILED:", file=out)
        for msg in failures:
            print(msg + "\n", file=out)
    else:
        print("  SUCCESS", file=out)
    print(file=out)
    return not failures, results, ""


def run_groups(runner: TestFileRunner, run: str | None) -> list[GroupResult]:
    """The test groups whose name matches ``run`` (all when None), each run once."""
    pattern = compile_go(run) if run else None
    results: list[GroupResult] = []
    for index, group in enumerate(runner.file.tests):
        if pattern and not pattern.matches(group.name):
            continue
        try:
            results.append(runner.run_group(index))
        except SourceError as exc:
            results.append(GroupResult(index, group.name, errors=[str(exc)], failures=[str(exc)]))
    return results


EXIT_BAD_FILE = 4


def invalid_files(paths: list[str], lookback_ms: int = LOOKBACK_MS) -> list[str]:
    """``file:line: what`` for every test file (or rule file it names) that cannot be loaded."""
    problems = []
    for path in paths:
        try:
            load_runner(path, lookback_ms)
        except SourceError as exc:
            problems.append(str(exc))
    return problems


def main(
    paths: list[str],
    run: str | None = None,
    junit: str | None = None,
    out: TextIO | None = None,
    *,
    lookback_ms: int = LOOKBACK_MS,
) -> int:
    """Test each file like ``promtool test rules``; 0 when all pass, 1 when a test fails, 4 when a test or rule
    file is invalid: then nothing runs, and each problem is printed as ``file:line: what``.

    ``out`` defaults to the current ``sys.stdout``. ``lookback_ms=PROMETHEUS2_LOOKBACK_MS`` reproduces
    Prometheus 2's inclusive lookback boundary.
    """
    out = out if out is not None else sys.stdout
    problems = invalid_files(paths, lookback_ms)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_FILE
    ok = True
    report: list[tuple[str, list[GroupResult], str, float]] = []
    for path in paths:
        started = time.perf_counter()
        passed, results, fatal = run_file(path, run, out, lookback_ms)
        report.append((path, results, fatal, time.perf_counter() - started))
        ok = ok and passed
    if junit:
        write_junit(junit, report)
    return 0 if ok else 1
