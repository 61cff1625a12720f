"""The ``opsverify rules`` command-line options (argparse only, so building the CLI parser stays cheap)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``opsverify rules`` options (cli.py hands the parser over)."""
    parser.add_argument("action", choices=["test", "lint"])
    parser.add_argument("files", nargs="+")
    parser.add_argument(
        "--run", action="append", help="only test groups whose name matches this Go regex (repeatable: any of them)"
    )
    parser.add_argument("--junit", help="write JUnit XML here")
    parser.add_argument(
        "--prometheus2-lookback",
        action="store_true",
        help="count a sample exactly 5m old as Prometheus 2 / promtool 2.x do (default: Prometheus 3, it is out)",
    )
    parser.add_argument("--diff", action="store_true", help="show failing alert cases as a JSON diff (promtool)")
    parser.add_argument("--debug", action="store_true", help="print why a case failed: series, alert states")
    parser.add_argument("--ignore-unknown-fields", action="store_true", help="ignore unknown keys in rule files")
    parser.add_argument(
        "--stop-on-bad-file", action="store_true", help="check every file first; run nothing if one is invalid"
    )
    parser.add_argument("--coverage", action="store_true", help="print which rules no test case covers")
    parser.add_argument("--min-coverage", type=float, help="fail (exit 1) when rule coverage is below this percent")
    parser.add_argument("--disable", action="append", default=[], help="lint: skip this check id (repeatable)")
    parser.add_argument(
        "--severities", help="lint: allowed severity label values, comma-separated (default: critical,warning,info)"
    )
    parser.add_argument(
        "--annotations", help="lint: required alert annotations, comma-separated (default: summary,description)"
    )
    parser.add_argument("--scrape-interval", default="1m", help="lint: the targets' scrape interval (default 1m)")
