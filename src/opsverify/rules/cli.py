"""``opsverify rules test FILE...``: promtool ``test rules`` behaviour (output, verdicts, --run, --junit, --diff,
--debug, --ignore-unknown-fields), plus --coverage; ``opsverify rules lint FILE...``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from opsverify.errors import SourceError
from opsverify.promql.regex import GoRegex, RegexError, compile_go

from .coverage import coverage_report
from .debugview import debug_group
from .junit import write_junit
from .runner import GroupResult, TestFileRunner, load_runner
from .session import LOOKBACK_MS, PROMETHEUS2_LOOKBACK_MS

EXIT_BAD_FILE = 4
EXIT_USAGE = 4  # as opsverify's other commands: bad input


def handle(args: argparse.Namespace) -> int:
    if args.action == "lint":
        return _lint(args)
    return main(
        args.files,
        run=args.run,
        junit=args.junit,
        lookback_ms=PROMETHEUS2_LOOKBACK_MS if args.prometheus2_lookback else LOOKBACK_MS,
        diff=args.diff,
        debug=args.debug,
        ignore_unknown_fields=args.ignore_unknown_fields,
        stop_on_bad_file=args.stop_on_bad_file,
        coverage=args.coverage,
        min_coverage=args.min_coverage,
    )


def _lint(args: argparse.Namespace) -> int:
    from opsverify.durations import parse_duration

    from .lint.cli import lint_main

    def items(text: str | None) -> list[str] | None:
        return [s.strip() for s in text.split(",") if s.strip()] if text is not None else None

    try:
        scrape_ms = round(parse_duration(args.scrape_interval) * 1000)
    except ValueError:
        print(f"opsverify rules lint: --scrape-interval: bad duration {args.scrape_interval!r}", file=sys.stderr)
        return EXIT_USAGE
    return lint_main(
        args.files,
        disabled={d.strip() for item in args.disable for d in item.split(",")},
        severities=items(args.severities),
        annotations=items(args.annotations),
        scrape_interval_ms=scrape_ms,
    )


def run_pattern(run: str | Sequence[str] | None) -> GoRegex | None:
    """promtool's --run: every value joined with ``|`` into one Go regex."""
    if not run:
        return None
    return compile_go(run if isinstance(run, str) else "|".join(run))


def run_file(
    path: str,
    run: str | Sequence[str] | None,
    out: TextIO,
    lookback_ms: int = LOOKBACK_MS,
    *,
    diff: bool = False,
    debug: bool = False,
    ignore_unknown_fields: bool = False,
) -> tuple[bool, list[GroupResult], str]:
    """Run one test file; print promtool's report; return (passed, group results, fatal error text)."""
    print(f"Unit Testing:  {path}", file=out)
    try:
        runner = load_runner(path, lookback_ms, ignore_unknown_fields)
    except SourceError as exc:
        print(f"  FAILED:\n{exc}\n", file=out)
        return False, [], str(exc)
    runner.diff = diff
    for warning in runner.file.warnings:
        print(f"  WARNING: {warning}", file=out)
    results = run_groups(runner, run, debug)
    failures = [msg for r in results for msg in r.failures]
    if failures:
        print("  FAILED:", file=out)
        for msg in failures:
            print(msg + "\n", file=out)
    else:
        print("  SUCCESS", file=out)
    print(file=out)
    return not failures, results, ""


def run_groups(runner: TestFileRunner, run: str | Sequence[str] | None, debug: bool = False) -> list[GroupResult]:
    """The test groups whose name matches ``run`` (all when None), each run once."""
    pattern = run_pattern(run)
    results: list[GroupResult] = []
    for index, group in enumerate(runner.file.tests):
        if pattern and not pattern.matches(group.name):
            continue
        label = group.name or f"unnamed#{index}"
        started = time.perf_counter()
        if debug:
            print(f"DEBUG: Starting test {label}", file=sys.stderr)
        try:
            result = runner.run_group(index)
        except SourceError as exc:
            result = GroupResult(index, group.name, errors=[str(exc)], failures=[str(exc)])
        results.append(result)
        if debug:
            debug_group(runner, index, result, sys.stderr)
            print(f"DEBUG: Test {label} finished, took {time.perf_counter() - started:.3f}s", file=sys.stderr)
    return results


def invalid_files(paths: list[str], lookback_ms: int = LOOKBACK_MS, ignore_unknown_fields: bool = False) -> list[str]:
    """``file:line: what`` for every test file (or rule file it names) that cannot be loaded."""
    problems = []
    for path in paths:
        try:
            load_runner(path, lookback_ms, ignore_unknown_fields)
        except SourceError as exc:
            problems.append(str(exc))
    return problems


def main(
    paths: list[str],
    run: str | Sequence[str] | None = None,
    junit: str | None = None,
    out: TextIO | None = None,
    *,
    lookback_ms: int = LOOKBACK_MS,
    diff: bool = False,
    debug: bool = False,
    ignore_unknown_fields: bool = False,
    stop_on_bad_file: bool = False,
    coverage: bool = False,
    min_coverage: float | None = None,
) -> int:
    """Test each file like ``promtool test rules``: an invalid file (``file:line: what``) fails that file and the
    others still run. Exit 0 when all pass, 1 when a test fails (or coverage is below ``min_coverage``), 4 when a
    test or rule file is invalid (promtool says 1 there). ``stop_on_bad_file``: check every file first and run
    nothing if one is invalid (what ``opsverify run`` does).

    ``out`` defaults to the current ``sys.stdout``. ``lookback_ms=PROMETHEUS2_LOOKBACK_MS`` reproduces
    Prometheus 2's inclusive lookback boundary.
    """
    out = out if out is not None else sys.stdout
    try:
        run_pattern(run)
    except RegexError as exc:
        print(f"opsverify rules test: --run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if stop_on_bad_file:
        problems = invalid_files(paths, lookback_ms, ignore_unknown_fields)
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            return EXIT_BAD_FILE
    ok, bad = True, False
    report: list[tuple[str, list[GroupResult], str, float]] = []
    for path in paths:
        started = time.perf_counter()
        passed, results, fatal = run_file(
            path, run, out, lookback_ms, diff=diff, debug=debug, ignore_unknown_fields=ignore_unknown_fields
        )
        report.append((path, results, fatal, time.perf_counter() - started))
        ok, bad = ok and passed, bad or bool(fatal)
    percent = coverage_report(paths, out, ignore_unknown_fields) if coverage or min_coverage is not None else None
    if junit:
        write_junit(junit, report, percent)
    if percent is not None and min_coverage is not None and percent < min_coverage:
        print(f"FAILED: rule coverage {percent:.1f}% is below --min-coverage {min_coverage:g}%", file=out)
        ok = False
    return EXIT_BAD_FILE if bad else 0 if ok else 1
