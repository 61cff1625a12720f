"""`opsverify`: run the checks suite, validate an inventory, manage the lab, test PromQL and alert rules.

Exit codes: 0 all passed (or only checks below --fail-on failed); 1 checks failed; 2 interrupted;
3 internal error; 4 bad inventory, test file or usage; 5 no checks selected; 6 the lab or Docker engine failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import InventoryError, OpsverifyError
from .inventory import load_inventory
from .paths import checks_dir, default_inventory, project_root
from .severity import SEVERITIES

EXIT_USAGE, EXIT_LAB = 4, 6
SUITES = ("smoke", "readiness", "alerts", "all")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.handler(args, extra))
    except InventoryError as exc:
        print(f"opsverify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OpsverifyError as exc:
        print(f"opsverify: {exc}", file=sys.stderr)
        return EXIT_LAB if type(exc).__name__ == "LabError" else EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="opsverify", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--version", action="version", version=f"opsverify {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the checks suite and write HTML + JUnit reports")
    run.add_argument("suite", nargs="?", choices=SUITES, default="all")
    run.add_argument("-i", "--inventory", help="inventory YAML (default: $OPSVERIFY_INVENTORY, else the lab)")
    run.add_argument("--env", help="environment defined in the inventory")
    run.add_argument("--fail-on", choices=SEVERITIES, help="lowest severity that fails the run (default: info)")
    run.add_argument("--report-dir", default="reports", help="where report.html and junit.xml go (default: ./reports)")
    run.add_argument("--html", help="HTML report path (default: REPORT_DIR/report.html)")
    run.add_argument("--junit", help="JUnit XML path (default: REPORT_DIR/junit.xml)")
    run.add_argument("--concurrency", type=int, help="network probes in flight at once (default: inventory, 64)")
    run.add_argument("--no-lab", action="store_true", help="without -i: do not bring the lab up, use the local host")
    run.set_defaults(handler=_run)

    inv = sub.add_parser("inventory", help="validate an inventory without running checks")
    inv.add_argument("action", choices=["check"])
    inv.add_argument("-i", "--inventory", required=True)
    inv.add_argument("--env")
    inv.set_defaults(handler=_inventory_check)

    lab = sub.add_parser("lab", help="the lab stack on this machine (Docker engine, containers, services)")
    lab.add_argument("action", choices=["up", "down", "status"])
    lab.set_defaults(handler=_lab)

    promql = sub.add_parser("promql", help="PromQL golden tests in Prometheus' promqltest format")
    promql.add_argument("action", choices=["test"])
    promql.add_argument("files", nargs="+")
    promql.add_argument("-v", "--verbose", action="store_true")
    promql.set_defaults(handler=_promql)

    rules = sub.add_parser("rules", help="alert-rule unit tests in promtool's format")
    rules.add_argument("action", choices=["test"])
    rules.add_argument("files", nargs="+")
    rules.add_argument("--run", help="only test groups whose name matches this regex")
    rules.add_argument("--junit", help="write JUnit XML here")
    rules.add_argument(
        "--prometheus2-lookback",
        action="store_true",
        help="count a sample exactly 5m old as Prometheus 2 / promtool 2.x do (default: Prometheus 3, it is out)",
    )
    rules.set_defaults(handler=_rules)

    from .alertmanager.cli import add_parser as add_alertmanager_parser  # `opsverify alertmanager ...`

    add_alertmanager_parser(sub)
    return p


def _resolve_inventory(args: argparse.Namespace) -> str:
    if args.inventory or os.environ.get("OPSVERIFY_INVENTORY"):
        return str(args.inventory or os.environ["OPSVERIFY_INVENTORY"])
    if not args.no_lab:
        from . import lab

        try:
            print("opsverify: no inventory given: bringing up the lab stack (opsverify lab up)...", flush=True)
            lab.up()
            return str(default_inventory("lab"))
        except lab.LabError as exc:
            print(f"opsverify: the lab cannot run here ({str(exc).splitlines()[0]}); checking this host instead")
    return str(default_inventory("local"))


def _run(args: argparse.Namespace, extra: list[str]) -> int:
    import pytest

    path = _resolve_inventory(args)
    inventory = load_inventory(path, args.env)  # a bad file stops here, before any check (exit 4)
    rule_tests = _rule_test_paths(args.suite, inventory.rules.tests, Path(path))
    problems = _bad_rule_tests(rule_tests, inventory.rules.tests, path) if args.suite in ("alerts", "all") else []
    if problems:
        print("\n".join(f"opsverify: {p}" for p in problems), file=sys.stderr)
        return EXIT_USAGE
    report_dir = Path(args.report_dir)
    html = Path(args.html or report_dir / "report.html")
    junit = Path(args.junit or report_dir / "junit.xml")
    root = project_root()
    pytest_args = [
        str(checks_dir()),
        *(x for p in rule_tests for x in ("--rule-tests", p)),  # the rule-test collector adds them to the run
        f"--rootdir={root}",
        "-c",
        str(root / "pyproject.toml"),
        "-p",
        "no:cacheprovider",
        "--inventory",
        path,
        f"--html={html}",
        "--self-contained-html",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
        "-o",
        "junit_suite_name=opsverify",
        "-rfE",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *(["--env", args.env] if args.env else []),
        *(["--fail-on", args.fail_on] if args.fail_on else []),
        *(["--concurrency", str(args.concurrency)] if args.concurrency else []),
        *(["-m", args.suite] if args.suite != "all" else []),
        *extra,
    ]
    code = int(pytest.main(pytest_args))
    print(f"opsverify: reports: {html.resolve()} and {junit.resolve()}")
    return code


def _rule_test_paths(suite: str, globs: list[str], inventory: Path) -> list[str]:
    """The rule-test files the inventory lists (globs relative to the inventory file), for suites that run them."""
    if suite not in ("alerts", "all"):
        return []
    base = inventory.parent
    return sorted({str(p) for g in globs for p in (base.glob(g) if not Path(g).is_absolute() else [Path(g)])})


def _bad_rule_tests(paths: list[str], globs: list[str], inventory: str) -> list[str]:
    """Every rule-test problem, as ``file:line: what``, before any check runs; a glob matching nothing is one too."""
    from .rules.cli import invalid_files

    base = Path(inventory).parent
    empty = [g for g in globs if not Path(g).is_absolute() and not any(base.glob(g))]
    missing = (
        [f"{inventory}: rules.tests: {g!r} matches no file (relative to {base})" for g in empty]
        if paths or empty
        else []
    )
    return missing + invalid_files(paths)


def _inventory_check(args: argparse.Namespace, extra: list[str]) -> int:
    inv = load_inventory(args.inventory, args.env)
    counts = ", ".join(f"{k}: {len(v)}" for k, v in inv.sections().items() if v) or "no entries"
    print(f"{args.inventory}: ok (environment: {inv.environment or 'none'}; {counts})")
    return 0


def _lab(args: argparse.Namespace, extra: list[str]) -> int:
    from . import lab

    if args.action == "up":
        lab.up()
        print("lab is up:")
    elif args.action == "down":
        lab.down()
        print("lab is down")
        return 0
    print("\n".join(lab.status()))
    return 0


def _promql(args: argparse.Namespace, extra: list[str]) -> int:
    from .promql import promqltest

    return int(promqltest.main(args.files, out=sys.stdout, verbose=args.verbose))


def _rules(args: argparse.Namespace, extra: list[str]) -> int:
    from .rules import cli as rules_cli
    from .rules.session import LOOKBACK_MS, PROMETHEUS2_LOOKBACK_MS

    lookback = PROMETHEUS2_LOOKBACK_MS if args.prometheus2_lookback else LOOKBACK_MS
    return int(rules_cli.main(args.files, run=args.run, junit=args.junit, lookback_ms=lookback))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
