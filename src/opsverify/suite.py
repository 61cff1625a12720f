"""``opsverify run``: the checks suite as one pytest run. Our own options are taken out of the argument list
wherever they stand; every other argument goes to pytest unchanged (``-k EXPR``, ``-m MARK``, ``-x``, ``--lf``,
``-n 4``, and everything after ``--``)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import headstart
from .errors import OpsverifyError
from .inventory.loader import load_inventory_once
from .paths import checks_dir, default_inventory
from .severity import SEVERITIES

SUITES = ("smoke", "readiness", "alerts", "all")
VALUED = {
    "-i": "inventory",
    "--inventory": "inventory",
    "--env": "env",
    "--fail-on": "fail_on",
    "--report-dir": "report_dir",
    "--html": "html",
    "--junit": "junit",
    "--concurrency": "concurrency",
    "--checks": "checks",
    "--shard": "shard",
}
FLAGS = {"--no-lab": "no_lab"}
USAGE = """usage: opsverify run [SUITE] [opsverify options] [pytest arguments...]

SUITE: smoke, readiness, alerts or all (default: all)

opsverify options:
  -i, --inventory FILE  inventory YAML (default: $OPSVERIFY_INVENTORY, else the lab, else this host)
  --env NAME            environment defined in the inventory
  --fail-on SEVERITY    lowest severity that fails the run: critical, warning or info (default: info)
  --report-dir DIR      where report.html and junit.xml go (default: ./reports)
  --html FILE           HTML report path (default: REPORT_DIR/report.html)
  --junit FILE          JUnit XML path (default: REPORT_DIR/junit.xml)
  --concurrency N       network probes in flight at once (default: the inventory's, 64)
  --checks DIR          a folder of your own check modules (repeatable; test_*.py beside the inventory are
                        always collected)
  --shard I/N           run shard I of N: a deterministic 1/N of the checks (a host's checks stay together);
                        merge the shards' reports with `opsverify report merge DIR...`
  --no-lab              without -i: do not bring the lab up, check this host

Any other argument goes to pytest as it is, e.g. -k api, -m smoke, -x, --lf, -n 4, -- ...
"""


class UsageError(OpsverifyError):
    """A bad ``opsverify run`` command line."""


@dataclass
class RunArgs:
    suite: str = "all"
    inventory: str | None = None
    env: str | None = None
    fail_on: str | None = None
    report_dir: str = "reports"
    html: str | None = None
    junit: str | None = None
    concurrency: str | None = None
    checks: list[str] = field(default_factory=list)
    no_lab: bool = False
    shard: str | None = None
    pytest_args: list[str] = field(default_factory=list)


def parse(argv: list[str]) -> RunArgs:
    args = RunArgs()
    rest = list(argv)
    if rest and rest[0] in SUITES:
        args.suite = rest.pop(0)
    elif rest and not rest[0].startswith("-") and not Path(rest[0].split("::")[0]).exists():
        raise UsageError(f"unknown suite {rest[0]!r} (choose from {', '.join(SUITES)}), and no such file or folder")
    while rest:
        token = rest.pop(0)
        if token == "--":
            args.pytest_args.extend(rest)
            break
        name, eq, value = token.partition("=")
        if name in VALUED:
            if not eq:
                if not rest:
                    raise UsageError(f"{name} needs a value")
                value = rest.pop(0)
            _set(args, VALUED[name], value)
        elif token in FLAGS:
            setattr(args, FLAGS[token], True)
        else:
            args.pytest_args.append(token)
    return args


def _set(args: RunArgs, key: str, value: str) -> None:
    if key == "fail_on" and value not in SEVERITIES:
        raise UsageError(f"--fail-on: unknown severity {value!r} (use {', '.join(SEVERITIES)})")
    if key == "concurrency" and not (value.isdigit() and int(value) > 0):
        raise UsageError(f"--concurrency: expected a positive whole number, got {value!r}")
    if key == "shard":
        from .shard import ShardError, parse

        try:
            parse(value)
        except ShardError as exc:
            raise UsageError(str(exc)) from None
    if key == "checks":
        args.checks.append(value)
    else:
        setattr(args, key, value)


def resolve_inventory(args: RunArgs) -> str:
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


def pytest_command(
    args: RunArgs, inventory: str, rule_tests: list[str], am_tests: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """The whole pytest command line: the built-in suite, the user's own checks, the rule tests, reports.
    Output capture is ``sys`` unless asked otherwise: checks do not write to file descriptors, and fd capture costs
    four dup2 calls per test."""
    base = Path(inventory).resolve().parent
    load_inventory_once(inventory, args.env)  # parsed once: the plugin reuses this parse
    own = [str(p) for p in sorted(base.glob("test_*.py"))]
    inv_dirs = [str(base / d) for d in load_inventory_once(inventory, args.env).checks]
    report_dir = Path(args.report_dir).resolve()
    return [
        str(checks_dir()),
        *own,
        *inv_dirs,
        *args.checks,
        *(x for p in rule_tests for x in ("--rule-tests", p)),
        *(x for p in am_tests for x in ("--am-tests", p)),
        "-c",
        str(Path(__file__).parent / "plugin" / "suite.ini"),
        f"--rootdir={_rootdir([base, *map(Path, [*own, *rule_tests, *am_tests])])}",
        "-o",
        f"cache_dir={report_dir / '.pytest_cache'}",
        "--inventory",
        inventory,
        "--opsverify-no-suite",
        f"--html={_html(args)}",
        "--self-contained-html",
        f"--junitxml={_junit(args)}",
        "-o",
        "junit_family=xunit1",
        "-o",
        "junit_suite_name=opsverify",
        "-rfE",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        # its last act is a full garbage collection of every object of the run (0.25 s at 5000 checks) to find
        # exceptions raised in finalizers; Python's own hook still prints those
        "-p",
        "no:unraisableexception",
        *([] if _wants_xdist(args.pytest_args) else ["-p", "no:xdist"]),  # its import and hooks cost every run
        *(["--opsverify-env", args.env] if args.env else []),
        *(["--opsverify-fail-on", args.fail_on] if args.fail_on else []),
        *(["--opsverify-concurrency", args.concurrency] if args.concurrency else []),
        *(["--opsverify-shard", args.shard] if args.shard else []),
        *(["-m", args.suite] if args.suite != "all" else []),
        *([] if any(a.startswith(("--capture", "-s")) for a in args.pytest_args) else ["--capture=sys"]),
        *args.pytest_args,
    ]


_XDIST_OPTIONS = ("--numprocesses", "--maxprocesses", "--dist", "--tx", "--looponfail", "--max-worker-restart")


def _wants_xdist(pytest_args: list[str]) -> bool:
    """Whether the run asks pytest-xdist for anything (here or in $PYTEST_ADDOPTS): else it is not loaded."""
    tokens = [*pytest_args, *os.environ.get("PYTEST_ADDOPTS", "").split()]
    short = [t for t in tokens if t.startswith("-") and not t.startswith("--")]
    return any(t[1:2] in ("n", "d", "f") for t in short) or any(t.split("=")[0] in _XDIST_OPTIONS for t in tokens)


def _head_start(args: RunArgs, inventory: str | None) -> None:
    """Start the probes a full run needs now, while pytest starts (:mod:`opsverify.headstart`)."""
    if inventory is None or not headstart.applies(args.suite, args.shard, args.pytest_args):
        return
    parsed = load_inventory_once(inventory, args.env)
    headstart.start(parsed, int(args.concurrency) if args.concurrency else parsed.defaults.concurrency)


def _rootdir(paths: list[Path]) -> Path:
    """The folder you run from, when the inventory and the test files it lists are in it: then test ids print as
    they are (the built-in suite's as ``test_http.py::test_http_status[api]``, yours as ``ops/test_mine.py::...``);
    else the folder they all share, so that every file has an id and every path pytest prints leads to it."""
    return Path(os.path.commonpath([Path.cwd().resolve(), *(p.resolve() for p in paths)]))


def _html(args: RunArgs) -> Path:
    return Path(args.html or Path(args.report_dir) / "report.html").resolve()


def _junit(args: RunArgs) -> Path:
    return Path(args.junit or Path(args.report_dir) / "junit.xml").resolve()


def run_pytest(args: RunArgs, command: list[str], inventory: str | None = None) -> int:
    import gc

    import pytest

    started = time.time()
    # A run makes a few objects per check and frees them with the run: the cyclic collector scanning everything
    # imported so far, every 700 allocations, cost ~10 % of a 5000-check run. Cycles are still collected, in
    # bigger batches, and what was imported before the run is not scanned again.
    gc.freeze()
    gc.set_threshold(100_000, 20, 20)
    _head_start(args, inventory)
    try:
        code = int(pytest.main(command))
    finally:
        headstart.drop()
    written = [p for p in (_html(args), _junit(args)) if p.is_file() and p.stat().st_mtime >= started - 1]
    if written:
        print(f"opsverify: reports: {' and '.join(str(p) for p in written)}")
    sys.stdout.flush()
    return code
