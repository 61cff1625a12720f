"""The inventory wiring of the offline Alertmanager tests: an entry's `tests:` run as pytest items in
`opsverify run` (a bad file stops the run with file:line, exit 4), and `coverage:` is an on-call coverage check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from opsverify.paths import FIXTURES

AM = FIXTURES / "alertmanager"


def _inventory(folder: Path, config: str, extra: str = "") -> Path:
    shutil.copy(FIXTURES / "rules" / "stack-alerts.yml", folder / "stack-alerts.yml")
    shutil.copy(AM / config, folder / "alertmanager.yml")
    inv = folder / "inventory.yml"
    inv.write_text(
        "version: 1\nalertmanager:\n  - name: am\n    url: http://127.0.0.1:9\n    config_file: alertmanager.yml\n"
        "    coverage: {location: Europe/Berlin, rules: [stack-alerts.yml]}\n" + extra
    )
    return inv


def opsverify(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "opsverify", "run", *args, "--report-dir", str(folder / "r")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_planted_gap_fails_the_coverage_check_with_the_slots(tmp_path: Path) -> None:
    _inventory(tmp_path, "mutated/coverage-gap.yml")
    done = opsverify(tmp_path, "-i", "inventory.yml", "-k", "oncall_coverage", "-q")
    assert done.returncode == 1, done.stdout[-2000:]
    assert (
        "am: 5 on-call gap(s), expected someone notified all week: severity=warning alertname=DiskAlmostFull: nobody is "
        'notified Mon 18:00-Tue 08:00 Europe/Berlin (route #3 muted by "offhours", continue=false)'
    ) in done.stdout


def test_the_lab_config_is_covered(tmp_path: Path) -> None:
    _inventory(tmp_path, "alertmanager.yml")
    done = opsverify(tmp_path, "-i", "inventory.yml", "-k", "oncall_coverage", "-q")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed" in done.stdout


def test_listed_alertmanager_tests_run_as_items(tmp_path: Path) -> None:
    inv = tmp_path / "inventory.yml"
    listed = AM / "lab.am-test.yml"  # an absolute glob: the fixtures' own tests, beside their config and rules
    inv.write_text(f"version: 1\nalertmanager:\n  - {{name: am, url: 'http://127.0.0.1:9', tests: ['{listed}']}}\n")
    done = opsverify(tmp_path, "alerts", "-i", "inventory.yml", "-k", "am-test", "-v")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "lab.am-test.yml::" in done.stdout and " PASSED" in done.stdout
    assert " FAILED" not in done.stdout
    (tmp_path / "bad.am-test.yml").write_text("config: alertmanager.yml\ntests:\n  - name: x\n    alerts: 5\n")
    inv.write_text("version: 1\nalertmanager:\n  - {name: am, url: 'http://127.0.0.1:9', tests: ['*.am-test.yml']}\n")
    shutil.rmtree(tmp_path / "r")
    bad = opsverify(tmp_path, "alerts", "-i", "inventory.yml")
    assert bad.returncode == 4
    assert "opsverify: bad.am-test.yml:4: tests[0].alerts: expected a list" in bad.stderr
    assert not (tmp_path / "r").exists()  # stopped before any check
