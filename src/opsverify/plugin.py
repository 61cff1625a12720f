"""pytest11 entry point: options, markers, parametrization over the inventory, prefetching, severities.

State lives in ``config.stash[STATE]``; the report hooks are in :mod:`opsverify.report.pytest_hooks`.
"""

from __future__ import annotations

import os
from dataclasses import is_dataclass
from pathlib import Path
from typing import Any

import pytest

from . import kinds, kindtable, masking
from .check import CheckFailure, start_recording, stop_recording
from .errors import InventoryError
from .paths import default_inventory
from .prefetch import ProbeTimeout
from .report.state import RunState
from .severity import SEVERITIES
from .verdict import Verdict, shorten

STATE = pytest.StashKey[RunState]()
SEVERITY = pytest.StashKey[str]()
MARKERS = {
    "smoke": "post-deploy smoke run: fast checks that fail the pipeline",
    "readiness": "daily readiness report: the complete list",
    "alerts": "alert-rule unit tests and monitoring-stack alert checks",
    "opsverify(kind, severity='critical', where=None)": "an inventory-driven check over targets of KIND",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("opsverify", "opsverify operational checks")
    group.addoption("--inventory", metavar="FILE", help="inventory YAML (default: $OPSVERIFY_INVENTORY, else the lab)")
    group.addoption("--env", dest="opsverify_env", metavar="NAME", help="environment in the inventory (staging, ...)")
    group.addoption(
        "--fail-on",
        dest="fail_on",
        choices=SEVERITIES,
        default=None,
        help="exit 1 only when a check of this severity or higher failed (default: info, i.e. any failure)",
    )
    group.addoption("--concurrency", type=int, default=None, help="network probes in flight at once")


def pytest_configure(config: pytest.Config) -> None:
    for name, doc in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {doc}")
    fail_on = config.getoption("fail_on") or os.environ.get("OPSVERIFY_FAIL_ON") or "info"
    if fail_on not in SEVERITIES:
        raise pytest.UsageError(f"--fail-on: unknown severity {fail_on!r} (use critical, warning or info)")
    state = RunState(fail_on=fail_on)
    config.stash[STATE] = state
    inventory = config.getoption("inventory") or os.environ.get("OPSVERIFY_INVENTORY")
    if inventory:  # given explicitly: validate now, before anything is collected (exit 4 on a bad file)
        _load(config, state, inventory)
    from .report import pytest_hooks

    config.pluginmanager.register(pytest_hooks.ReportHooks(state), "opsverify-report")


def _load(config: pytest.Config, state: RunState, path: str) -> None:
    try:
        state.load(path, config.getoption("opsverify_env"), config.getoption("concurrency"))
    except InventoryError as exc:
        raise pytest.UsageError(str(exc)) from None


def _state(config: pytest.Config) -> RunState:
    state = config.stash[STATE]
    if state.inventory is None:
        try:
            _load(config, state, str(default_inventory()))
        except pytest.UsageError as exc:  # raised during collection: make it a clean collection error
            raise pytest.Collector.CollectError(str(exc)) from None
    return state


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("opsverify")
    if marker is None or "target" not in metafunc.fixturenames:
        return
    state = _state(metafunc.config)
    kind = kindtable.kind(marker.args[0])
    targets = kind.targets(state.context)
    where = marker.kwargs.get("where")
    if where is not None:
        targets = [t for t in targets if where(t)]
    metafunc.parametrize("target", targets, ids=[str(t.name) for t in targets])


@pytest.fixture
def inventory(request: pytest.FixtureRequest) -> Any:
    """The loaded :class:`~opsverify.inventory.Inventory`."""
    return _state(request.config).inventory


@pytest.fixture
def facts(request: pytest.FixtureRequest, target: Any) -> Any:
    """What the probe for this item's target gathered (prefetched concurrently at the end of collection)."""
    state = _state(request.config)
    kind = kindtable.kind(_marker(request.node).args[0])
    budget = kind.budget(target, state.context)
    try:
        return state.prefetcher.get(kind.key(target), _gatherer(kind, target, state), budget)
    except ProbeTimeout as exc:
        raise CheckFailure(
            Verdict.failed(str(target.name), f"{exc} (a target that hangs or trickles its answer)")
        ) from None


def _marker(item: pytest.Item) -> pytest.Mark:
    marker = item.get_closest_marker("opsverify")
    assert marker is not None, "the facts fixture is for @pytest.mark.opsverify checks"
    return marker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _deselect_empty_sections(config, items)
    for item in items:
        marker = item.get_closest_marker("opsverify")
        if marker is None:
            if item.get_closest_marker("alerts") is not None:  # rule tests: a broken alert is a release blocker
                item.stash[SEVERITY] = "critical"
                item.user_properties.extend([("severity", "critical"), ("kind", "rules")])
            continue
        target = _target(item)
        severity = getattr(target, "severity", None) or marker.kwargs.get("severity", "critical")
        item.stash[SEVERITY] = severity
        name = str(getattr(target, "name", ""))
        item.user_properties.extend([("target", name), ("severity", severity), ("kind", marker.args[0])])


def _deselect_empty_sections(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A check whose inventory section is empty is not applicable: deselect it rather than report a skip."""
    empty = [i for i in items if i.get_closest_marker("opsverify") is not None and not is_dataclass(_target(i))]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [i for i in items if i not in empty]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start every probe the selected checks need, all at once."""
    state = session.config.stash[STATE]
    if state.inventory is None:
        return
    for item in session.items:
        marker = item.get_closest_marker("opsverify")
        target = _target(item)
        if marker is None or target is None or "facts" not in getattr(item, "fixturenames", ()):
            continue
        kind = kindtable.kind(marker.args[0])
        state.prefetcher.submit(kind.key(target), _gatherer(kind, target, state), kind.budget(target, state.context))


def _gatherer(kind: kinds.Kind, target: Any, state: RunState) -> Any:
    return lambda: kind.gather(target, state.context)


def _target(item: pytest.Item) -> Any:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("target") if callspec is not None else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    recorded = start_recording()
    try:
        return (yield)
    finally:
        stop_recording()
        for verdict in recorded:
            item.user_properties.append(("result", masking.mask(verdict.message)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.excinfo is not None and isinstance(call.excinfo.value, CheckFailure):
        report.longrepr = CheckRepr(str(item.path), masking.mask(call.excinfo.value.render()))
    elif report.failed and call.excinfo is not None and item.get_closest_marker("opsverify") is not None:
        report.longrepr = CheckRepr(str(item.path), masking.mask(_internal_error(item, call.excinfo, report)))
    elif report.failed and report.longrepr is not None and len(masking.MASKER):
        report.longrepr = CheckRepr(str(item.path), masking.mask(str(report.longrepr)))
    if len(masking.MASKER):
        report.sections = [(k, masking.mask(v)) for k, v in report.sections]
        report.user_properties = [(k, masking.mask(str(v))) for k, v in report.user_properties]
    severity = item.stash.get(SEVERITY, None)
    state = item.config.stash[STATE]
    if severity is not None and report.failed:
        _apply_waiver(state, item.name, report)
    if severity is not None:  # opsverify checks count towards --fail-on
        state.record(report, severity)
    elif report.failed:  # any other failing test fails the run as usual
        state.other_failures += 1
    return report


def _internal_error(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException], report: Any) -> str:
    """A bug or an unforeseen answer: still one line naming target and check first, the traceback after it."""
    target = getattr(_target(item), "name", "?")
    kind = _marker(item).args[0]
    error = f"{type(excinfo.value).__name__}: {shorten(str(excinfo.value), 200)}"
    return f"{target}: internal error in the {kind} check ({error}); please report it\n{report.longrepr}"


def _apply_waiver(state: RunState, check_id: str, report: Any) -> None:
    """An active waiver turns the failure into a visible "waived" (xfail); an expired one only adds a note."""
    waiver = state.waiver_for(check_id)
    if waiver is None:
        return
    if waiver.active(state.today):
        report.outcome = "skipped"
        report.wasxfail = f"waived: {waiver.describe()}"
    else:
        note = f"    waiver expired on {waiver.expires.isoformat()}, so this failure counts: {waiver.reason}"
        report.longrepr = CheckRepr(str(report.fspath), f"{report.longrepr}\n{note}")


class CheckRepr:
    """A failure shown as its one-line message (plus detail lines), never a traceback."""

    def __init__(self, path: str, text: str) -> None:
        self.text = text
        self.reprcrash = _Crash(path, text.splitlines()[0] if text else "")

    def toterminal(self, tw: Any) -> None:
        for line in self.text.splitlines():
            tw.line(line, red=True, bold=line is self.text.splitlines()[0])

    def __str__(self) -> str:
        return self.text


class _Crash:
    def __init__(self, path: str, message: str) -> None:
        self.path, self.lineno, self.message = path, 0, message


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE, None)
    if state is None:
        return
    state.close()
    # Exit 0 only when every failure pytest counted is an opsverify check below --fail-on: a failure we did not
    # see (another plugin's, a conftest turning skips into failures...) keeps the run failed.
    only_ours = state.failed_reports > 0 and session.testsfailed == state.failed_reports and not state.other_failures
    if exitstatus == pytest.ExitCode.TESTS_FAILED and only_ours and not state.failures_at_or_above():
        session.exitstatus = pytest.ExitCode.OK


def pytest_unconfigure(config: pytest.Config) -> None:
    """Last line of defence: mask the written HTML and JUnit files once more, with every secret known by now
    (probes register some while they run, possibly after an earlier report was already built)."""
    if not len(masking.MASKER):
        return
    for key in ("htmlpath", "xmlpath"):
        path = getattr(config.option, key, None)
        if path and Path(path).is_file():
            text = Path(path).read_text(encoding="utf-8")
            masked = masking.MASKER.mask_document(text)
            if masked != text:
                Path(path).write_text(masked, encoding="utf-8")


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash.get(STATE, None)
    if state is None or state.inventory is None:
        return []
    inv = state.inventory
    return [f"opsverify inventory: {inv.source} (environment: {inv.environment or 'none'}; fail-on: {state.fail_on})"]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is None or not state.counts():
        return
    for line in state.summary_lines():
        terminalreporter.write_line(line)
    for key in ("htmlpath", "xmlpath"):
        path = getattr(config.option, key, None)
        if path:
            terminalreporter.write_line(f"opsverify report: {Path(path).resolve()}")
