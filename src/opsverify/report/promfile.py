"""``results.prom``: the run's result in the Prometheus text format, for node_exporter's textfile collector
(``--collector.textfile.directory``), so the readiness result itself can be scraped, graphed and alerted on.

Written atomically (a temporary file renamed over the old one), as the textfile collector requires."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .results import RunResult

_HELP = {
    "opsverify_check_ok": ("gauge", "1 when the check passed (or is waived), 0 when it failed"),
    "opsverify_run_timestamp_seconds": ("gauge", "when the last opsverify run finished, unix seconds"),
    "opsverify_run_passed": ("gauge", "1 when the last run passed at its --fail-on level"),
    "opsverify_checks": ("gauge", "checks of the last run by severity and outcome"),
    "opsverify_check_duration_seconds": ("gauge", "how long each check's probe and check took"),
}


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def render(run: RunResult, finished_unix: float) -> str:
    lines: list[str] = []

    def family(name: str) -> None:
        kind, text = _HELP[name]
        lines.extend([f"# HELP {name} {text}", f"# TYPE {name} {kind}"])

    env = run.environment or ""
    family("opsverify_run_timestamp_seconds")
    lines.append(f"opsverify_run_timestamp_seconds{_labels(environment=env)} {finished_unix:.3f}")
    family("opsverify_run_passed")
    lines.append(f"opsverify_run_passed{_labels(environment=env, fail_on=run.fail_on)} {int(run.verdict == 'PASS')}")
    family("opsverify_checks")
    for severity, outcomes in run.counts.items():
        for outcome, n in outcomes.items():
            lines.append(f"opsverify_checks{_labels(environment=env, severity=severity, outcome=outcome)} {n}")
    ran = [c for c in run.checks if c.outcome != "skipped"]
    family("opsverify_check_ok")
    for c in ran:
        labels = _labels(check=c.id, target=c.target, kind=c.kind, severity=c.severity, environment=env)
        lines.append(f"opsverify_check_ok{labels} {int(c.outcome != 'failed')}")
    family("opsverify_check_duration_seconds")
    for c in ran:
        labels = _labels(check=c.id, target=c.target, kind=c.kind, severity=c.severity, environment=env)
        lines.append(f"opsverify_check_duration_seconds{labels} {c.duration_seconds:.4f}")
    return "\n".join(lines) + "\n"


def write(run: RunResult, path: Path, finished_unix: float) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=".results.prom.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render(run, finished_unix))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
