"""What a check's result becomes: its one-line failure (never a traceback), waivers, masking, the severity gate on
the exit code, and the summary lines. Results are recorded where reports arrive (``pytest_runtest_logreport``), so
under pytest-xdist the controller sees exactly what a single process would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .. import masking, registry
from ..run import RunState
from ..verdict import CheckFailure, shorten, start_recording, stop_recording
from .items import SEVERITY, target_of

_PROPERTIES = pytest.StashKey[list[tuple[str, str]]]()


class Outcomes:
    """Registered only when the plugin is active."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        recorded = start_recording()
        try:
            return (yield)
        finally:
            stop_recording()
            for verdict in recorded:
                item.user_properties.append(("result", masking.mask(verdict.message)))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        properties = item.stash.get(_PROPERTIES, None)
        ours = properties is not None or item.get_closest_marker("opsverify") is not None
        if call.excinfo is not None and isinstance(call.excinfo.value, CheckFailure):
            report.longrepr = CheckRepr(str(item.path), masking.mask(call.excinfo.value.render()))
        elif report.failed and call.excinfo is not None and ours:
            report.longrepr = CheckRepr(str(item.path), masking.mask(_internal_error(item, call.excinfo, report)))
        elif report.failed and report.longrepr is not None and len(masking.MASKER):
            report.longrepr = CheckRepr(str(item.path), masking.mask(str(report.longrepr)))
        if len(masking.MASKER):
            report.sections = [(k, masking.mask(v)) for k, v in report.sections]
            report.user_properties = [(k, masking.mask(str(v))) for k, v in report.user_properties]
        if isinstance(report.longrepr, CheckRepr):  # the one-line reason travels with the report (pytest-xdist)
            report.user_properties.append(("reason", report.longrepr.reprcrash.message))
        if ours:
            if properties is None:  # once per check: its probe has finished by the end of its setup phase
                properties = item.stash[_PROPERTIES] = self._report_properties(item)
            report.user_properties.extend(properties)
        if item.stash.get(SEVERITY, None) is not None and report.failed:
            self._apply_waiver(item.name, report)
        return report

    def _report_properties(self, item: pytest.Item) -> list[tuple[str, str]]:
        """For the readiness reports: the entry's description, and how long its probe itself ran."""
        props: list[tuple[str, str]] = []
        target = target_of(item)
        description = getattr(target, "description", "") if target is not None else ""
        if description:
            props.append(("description", masking.mask(str(description))))
        marker = item.get_closest_marker("opsverify")
        if target is not None and marker is not None and "facts" in getattr(item, "fixturenames", ()):
            try:
                key = registry.kind(marker.args[0]).key(target, marker.kwargs.get("probe"))
            except ValueError:
                return props
            seconds = self.state.probe_seconds(key)
            if seconds is not None:
                props.append(("probe_seconds", f"{seconds:.4f}"))
        return props

    def _apply_waiver(self, check_id: str, report: Any) -> None:
        """An active waiver whose ``reason_match`` matches the failure's reason turns it into a visible "waived"
        (xfail); an expired one, or one whose reason does not match, only adds a note: the failure counts."""
        crash = getattr(report.longrepr, "reprcrash", None)
        reason = str(crash.message) if crash is not None else str(report.longrepr or "").strip().split("\n")[-1]
        waiver = self.state.waiver_for(check_id, reason)
        if waiver is None:
            return
        report.user_properties.append(("waiver", waiver.check))
        if not waiver.matches_reason(reason):
            note = (
                f"waiver {waiver.check!r} does not apply: this failure's reason does not match its reason_match "
                f"{waiver.reason_match!r}, so it counts"
            )
        elif waiver.active(self.state.today):
            report.outcome = "skipped"
            report.wasxfail = f"waived: {waiver.describe()}"
            return
        else:
            note = f"waiver expired on {waiver.expires.isoformat()}, so this failure counts: {waiver.reason}"
        report.user_properties.append(("waiver_note", masking.mask(note)))
        report.longrepr = CheckRepr(str(report.fspath), f"{report.longrepr}\n    {masking.mask(note)}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.state.record(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.state.close()
        # Exit 0 only when every failure pytest counted is an opsverify check below --fail-on: a failure we did not
        # see (another plugin's, a conftest turning skips into failures...) keeps the run failed.
        if session.exitstatus == pytest.ExitCode.TESTS_FAILED and self.state.only_failures_below_gate(
            session.testsfailed
        ):
            session.exitstatus = pytest.ExitCode.OK

    def pytest_unconfigure(self, config: pytest.Config) -> None:
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

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        inv = self.state.inventory
        if inv is None:
            return []
        env = inv.environment or "none"
        return [f"opsverify inventory: {inv.source} (environment: {env}; fail-on: {self.state.fail_on})"]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.state.counts():
            return
        for line in self.state.summary_lines():
            terminalreporter.write_line(line)


def _internal_error(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException], report: Any) -> str:
    """A bug or an unforeseen answer: still one line naming target and check first, the traceback after it."""
    target = getattr(target_of(item), "name", "?")
    marker = item.get_closest_marker("opsverify")
    kind = marker.args[0] if marker is not None else "?"
    error = f"{type(excinfo.value).__name__}: {shorten(str(excinfo.value), 200)}"
    return f"{target}: internal error in the {kind} check ({error}); please report it\n{report.longrepr}"


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
