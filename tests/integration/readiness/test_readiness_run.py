"""`opsverify run readiness` on the lab inventory: reports written, healthy targets pass, every readiness fault
variant fails with its own one-line reason."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from opsverify.paths import default_inventory


@pytest.fixture(scope="module")
def run(lab, tmp_path_factory):
    out = tmp_path_factory.mktemp("readiness-reports")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "opsverify.cli",
            "run",
            "readiness",
            "-i",
            str(default_inventory("lab")),
            "--report-dir",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (out / "report.html").stat().st_size > 1000, done.stdout[-3000:] + done.stderr[-3000:]
    cases = {c.get("name"): c for c in ET.parse(out / "junit.xml").getroot().iter("testcase")}
    return done, cases


def _failure(cases, name):
    """The failure's one-line reason, without the `[severity] ` prefix the JUnit file carries for CI viewers."""
    node = cases[name].find("failure")
    return None if node is None else re.sub(r"^\[\w+\] ", "", node.get("message"))


def _severity(case):
    node = case.find("failure")
    found = re.match(r"^\[(\w+)\] ", node.get("message")) if node is not None else None
    return found.group(1) if found else None


HEALTHY = [
    f"{check}[lab-ssh]"
    for check in ("reachable", "disks", "memory", "load", "ports", "files", "cron", "processes", "commands")
] + [
    "test_host_files[lab-api-box]",
    "test_host_processes[lab-api-box]",
    "test_container_memory_limit_set[lab-api]",
    "test_container_image_pinned[lab-redis]",
    "test_container_memory_usage[lab-api]",
    "test_container_reaches[lab-api]",
    "test_container_exec[lab-redis]",
    "test_no_error_storm[lab-api-log]",
    "test_no_error_storm[lab-app-log]",
    "test_backup_fresh[lab-db-backup]",
    "test_backup_readable[lab-db-backup]",
    "test_backup_checksum[lab-db-backup]",
    "test_backup_retention[lab-db-backup]",
    "test_backup_readable[lab-uploads-backup]",
    "test_backup_readable[lab-encrypted-backup]",
    "test_secrets_set[lab-app-env]",
]


@pytest.mark.parametrize("name", [n if n.startswith("test_") else f"test_host_{n}" for n in HEALTHY])
def test_healthy_targets_pass(run, name):
    _, cases = run
    assert name in cases, sorted(cases)
    assert _failure(cases, name) is None


FAULTS = {
    "test_host_reachable[lab-ssh-wrong-key]": r"^lab-ssh-wrong-key: ssh root@127\.0\.0\.1:2222: host key verification "
    r"failed: the host's key does not match .*known_hosts\.wrong \(the host sent SHA256:",
    "test_host_ports[lab-local-faults]": r"^lab-local-faults: TCP port\(s\) 15432 not listening",
    "test_host_files[lab-local-faults]": r"^lab-local-faults: .*/app/\.env\.bad has mode 0644, expected 0600$",
    "test_host_cron[lab-local-faults]": r"^lab-local-faults: no cron entry matches /pg_dump/ in the crontab of opsverify-lab",
    "test_host_commands[lab-local-faults]": r"^lab-local-faults: `redis-cli -p 16380 ping` exited 1, expected 0; output: "
    r"Could not connect to Redis",
    "test_container_memory_limit_set[lab-sloppy]": r"^lab-sloppy: has no memory limit",
    "test_container_image_pinned[lab-sloppy]": r'^lab-sloppy: image is "opsverify-lab/base:latest", expected a pinned',
    "test_container_memory_usage[lab-hog]": r"^lab-hog: uses [\d.]+ MiB of its 24\.0 MiB memory limit \([\d.]+%\), "
    r"expected <= 80%$",
    "test_no_error_storm[lab-sloppy-log]": r"^lab-sloppy-log: 30 of \d+ lines in the last 1d of the log of container "
    r"lab-sloppy match .*, expected <= 5; last: ERROR payment upstream refused token=\*\*\* try=29$",
    "test_no_error_storm[lab-storm-log]": r"^lab-storm-log: 40 of 40 lines .* expected <= 10; last: .*token=\*\*\* try=39$",
    "test_backup_fresh[lab-backup-stale]": r"^lab-backup-stale: newest backup db-.*\.tar\.gz is 3d(\d+m)? old, .*; expected at "
    r"most 1d2h old$",
    "test_backup_readable[lab-backup-corrupt]": r"^lab-backup-corrupt: newest backup .* \(tar\.gz\) is not readable: "
    r"`tar -tzf` cannot list it",
    "test_backup_checksum[lab-backup-badsum]": r"^lab-backup-badsum: sha256 of .* is [0-9a-f]{12}…, expected 0{12}…",
    "test_backup_fresh[lab-backup-tiny]": r"^lab-backup-tiny: .* 20 B; expected at least 1\.0 KiB$",
    "test_backup_retention[lab-backup-few]": r"^lab-backup-few: 1 backup\(s\) match \*\.tar\.gz, expected at least 3$",
    "test_backup_retention[lab-backup-unpruned]": r"^lab-backup-unpruned: oldest backup .* expected none older than 2w",
    "test_backup_fresh[lab-backup-missing]": r"^lab-backup-missing: directory .*/backups/missing does not exist",
    "test_secrets_set[lab-app-env-bad]": r"^lab-app-env-bad: 4 of 5 required keys .* DB_PASSWORD is a placeholder or "
    r"known default; .* SECRET_KEY is missing",
    "test_secrets_set[lab-sloppy-env]": r"^lab-sloppy-env: 1 of 2 required keys in the environment of container "
    r"lab-sloppy are not set properly: ADMIN_PASSWORD is a placeholder or known default",
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_readiness_fault_fails_with_its_one_line_reason(run, name):
    _, cases = run
    message = _failure(cases, name)
    assert message is not None, f"{name} passed, expected it to fail"
    assert "\n" not in message
    assert re.search(FAULTS[name], message), message


MINE = re.compile(r"^test_(host_|backup_|secrets_|no_error_storm|container_(memory|image|exec|reaches))")


def test_only_the_info_fault_variants_fail(run):
    done, cases = run
    assert done.returncode == 1, done.stdout[-2000:]  # --fail-on defaults to info: the fault variants fail the run
    failed = {name: case for name, case in cases.items() if MINE.match(name) and case.find("failure") is not None}
    assert set(FAULTS) <= set(failed)
    for name, case in failed.items():
        severity = _severity(case)
        assert severity == "info", f"{name} failed at {severity}: {_failure(cases, name)}"
