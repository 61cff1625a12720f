"""`opsverify`: run the checks suite, validate an inventory, manage the lab, test PromQL and alert rules.

Exit codes: 0 all passed (or only checks below --fail-on failed); 1 checks failed; 2 interrupted;
3 internal error; 4 bad inventory, test file or usage; 5 no checks selected; 6 the lab or Docker engine failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__, suite
from .errors import InventoryError, OpsverifyError
from .inventory import load_inventory
from .inventory.loader import load_inventory_once
from .severity import SEVERITIES

EXIT_USAGE, EXIT_LAB = 4, 6


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["run"]:  # everything after `run` is ours or pytest's: argparse would take -k's value as SUITE
        args, extra = argparse.Namespace(handler=_run), argv[1:]
    else:
        args, extra = _parser().parse_args(argv), []
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

    run = sub.add_parser(
        "run",
        help="run the checks suite and write HTML + JUnit reports (pytest arguments pass through)",
        add_help=False,
    )
    run.set_defaults(handler=_run)

    inv = sub.add_parser("inventory", help="validate an inventory without running checks")
    inv.add_argument("action", choices=["check"])
    inv.add_argument("-i", "--inventory", required=True)
    inv.add_argument("--env")
    inv.add_argument("--list", action="store_true", help="list every target, one per line (section, name)")
    inv.set_defaults(handler=_inventory_check)

    report = sub.add_parser("report", help="reports of several runs: merge the shards of a --shard I/N fan-out")
    report.add_argument("action", choices=["merge"])
    report.add_argument("dirs", nargs="+", metavar="DIR", help="a shard's --report-dir (its junit.xml)")
    report.add_argument("--out", default="reports", help="where the merged report.html and junit.xml go")
    report.add_argument("--fail-on", choices=SEVERITIES, default=None, help="default: the shards' own --fail-on")
    report.set_defaults(handler=_report_merge)

    lab = sub.add_parser("lab", help="the lab stack on this machine (Docker engine, containers, services)")
    lab.add_argument("action", choices=["up", "down", "status"])
    lab.set_defaults(handler=_lab)

    promql = sub.add_parser("promql", help="PromQL golden tests in Prometheus' promqltest format")
    promql.add_argument("action", choices=["test"])
    promql.add_argument("files", nargs="+")
    promql.add_argument("-v", "--verbose", action="store_true")
    promql.set_defaults(handler=_promql)

    attest = sub.add_parser(
        "attest", help="record a person's attestation of a checklist item (in <inventory>.attestations.yml)"
    )
    attest.add_argument("name", help="the checklist item's name")
    attest.add_argument("--by", required=True, help="who attests it")
    attest.add_argument("--evidence", required=True, help="URL, or file relative to the inventory, of the evidence")
    attest.add_argument("-i", "--inventory", help="default: $OPSVERIFY_INVENTORY")
    attest.add_argument("--env")
    attest.add_argument("--on", help="the date it was done, YYYY-MM-DD (default: today)")
    attest.set_defaults(handler=_attest)

    from .rules.options import add_arguments as add_rules_arguments  # imports the rules package: only when needed

    rules = sub.add_parser("rules", help="alert-rule unit tests in promtool's format, and a rule linter")
    add_rules_arguments(rules)
    rules.set_defaults(handler=_rules)

    from .alertmanager.cli import add_parser as add_alertmanager_parser  # `opsverify alertmanager ...`

    add_alertmanager_parser(sub)
    return p


def _run(args: argparse.Namespace, extra: list[str]) -> int:
    if "-h" in extra[:1] or "--help" in extra[:1]:
        print(suite.USAGE)
        return 0
    try:
        run = suite.parse(extra)
    except suite.UsageError as exc:
        print(f"opsverify run: {exc}\n{suite.USAGE}", file=sys.stderr)
        return EXIT_USAGE
    path = suite.resolve_inventory(run)
    inventory = load_inventory_once(path, run.env)  # a bad file stops here, before any check (exit 4)
    rule_tests = _rule_test_paths(run.suite, inventory.rules.tests, Path(path))
    am_globs = [g for entry in inventory.alertmanager for g in entry.tests]
    am_tests = _rule_test_paths(run.suite, am_globs, Path(path))
    problems = []
    if run.suite in ("alerts", "all"):  # every bad test file, as file:line: what, before any check runs
        problems = _bad_rule_tests(rule_tests, inventory.rules.tests, path, "rules.tests", _invalid_rule_tests)
        problems += _bad_rule_tests(am_tests, am_globs, path, "alertmanager[].tests", _invalid_am_tests)
    if problems:
        print("\n".join(f"opsverify: {p}" for p in problems), file=sys.stderr)
        return EXIT_USAGE
    return suite.run_pytest(run, suite.pytest_command(run, path, rule_tests, am_tests), path)


def _rule_test_paths(suite: str, globs: list[str], inventory: Path) -> list[str]:
    """The rule-test files the inventory lists (globs relative to the inventory file), for suites that run them."""
    if suite not in ("alerts", "all"):
        return []
    base = inventory.parent
    return sorted({str(p) for g in globs for p in (base.glob(g) if not Path(g).is_absolute() else [Path(g)])})


def _bad_rule_tests(
    paths: list[str], globs: list[str], inventory: str, key: str, invalid: Callable[[list[str]], list[str]]
) -> list[str]:
    """Every test-file problem, as ``file:line: what``, before any check runs; a glob matching nothing is one too."""
    base = Path(inventory).parent
    empty = [g for g in globs if not Path(g).is_absolute() and not any(base.glob(g))]
    missing = [f"{inventory}: {key}: {g!r} matches no file (relative to {base})" for g in empty]
    return missing + invalid(paths) if paths else missing


def _invalid_rule_tests(paths: list[str]) -> list[str]:
    from .rules.cli import invalid_files  # the rules engine, only when there are rule tests

    return invalid_files(paths)


def _invalid_am_tests(paths: list[str]) -> list[str]:
    from .alertmanager.runner import invalid_files  # the Alertmanager engine, only when there are tests

    return invalid_files(paths)


def _inventory_check(args: argparse.Namespace, extra: list[str]) -> int:
    inv = load_inventory(args.inventory, args.env)
    counts = ", ".join(f"{k}: {len(v)}" for k, v in inv.sections().items() if v) or "no entries"
    print(f"{args.inventory}: ok (environment: {inv.environment or 'none'}; {counts})")
    if args.list:
        print("\n".join(f"{k} {getattr(e, 'name', '?')}" for k, v in inv.sections().items() for e in v))
    return 0


def _attest(args: argparse.Namespace, extra: list[str]) -> int:
    import datetime
    import os

    from .inventory.checklist import Attestation, attestations_path, record

    path = args.inventory or os.environ.get("OPSVERIFY_INVENTORY")
    if not path:
        print("opsverify attest: which inventory? give -i FILE or set $OPSVERIFY_INVENTORY", file=sys.stderr)
        return EXIT_USAGE
    inv = load_inventory(path, args.env)
    item = next((c for c in inv.checklist if c.name == args.name), None)
    if item is None:
        known = ", ".join(c.name for c in inv.checklist) or "none"
        print(f"opsverify attest: {path} has no checklist item {args.name!r} (items: {known})", file=sys.stderr)
        return EXIT_USAGE
    try:
        on = datetime.date.fromisoformat(args.on) if args.on else datetime.date.today()
    except ValueError:
        print(f"opsverify attest: --on {args.on!r}: expected a date like 2026-12-31", file=sys.stderr)
        return EXIT_USAGE
    if "://" not in args.evidence and not (Path(path).parent / args.evidence).exists():
        print(
            f"opsverify attest: evidence {args.evidence!r} is neither a URL nor a file beside the inventory",
            file=sys.stderr,
        )
        return EXIT_USAGE
    attestation = Attestation(name=item.name, by=args.by, date=on, evidence=args.evidence)
    target = attestations_path(path)
    record(target, attestation)
    until = attestation.expires(item.valid_for).isoformat()
    print(f"{target}: {item.name} attested by {args.by} on {on.isoformat()}, valid until {until}; commit this file")
    return 0


def _report_merge(args: argparse.Namespace, extra: list[str]) -> int:
    from . import merge

    return merge.main(args.dirs, args.out, args.fail_on)


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

    return rules_cli.handle(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
