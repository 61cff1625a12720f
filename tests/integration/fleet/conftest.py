"""The fleet lab for these tests: 16 OpenSSH servers of our own on free 127.0.0.1 ports (not the shared lab's
sshd on 2222), containers reached over the sessions of host01 and host02, and faults: host02 has no .env,
host17 is a dead port. Started once per session, stopped (sshd, containers, files) in teardown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsverify.lab import engine, fleet, stack
from opsverify.lab.engine import LabError

LIVE, DEAD = 16, 1


@pytest.fixture(scope="session")
def fleet_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fleet.Fleet]:
    try:
        engine.ensure_engine()
        stack.build_images()  # the busybox base image the fleet's containers run (kept when already built)
        prefix = f"ovfleet{os.getpid()}"  # unique container names: two test runs on one engine never collide
        lab = fleet.start(tmp_path_factory.mktemp("fleet") / "lab", LIVE, prefix=prefix, with_containers=2, dead=DEAD)
    except LabError as exc:
        pytest.skip(f"fleet lab unavailable: {exc}")
    yield lab
    fleet.stop(lab)


def hosts_yaml(lab: fleet.Fleet, names: list[str] | None = None) -> str:
    """A hosts: section for (some of) the fleet's hosts, host-key checking on."""
    lines = ["hosts:"]
    for host in lab.hosts:
        if names is None or host.name in names:
            lines.append(
                f"  - {{name: {host.name}, spec: '{host.spec}', identity_file: {lab.identity_file}, "
                f"known_hosts: {lab.known_hosts}}}"
            )
    return "\n".join(lines) + "\n"


def run(inventory: Path, report_dir: Path, *extra: str) -> tuple[int, dict[str, tuple[str, str]], str]:
    """``opsverify run``: (exit code, {test id: (outcome, message)} from its JUnit, stdout)."""
    done = subprocess.run(
        [sys.executable, "-m", "opsverify", "run", "-i", str(inventory), "--report-dir", str(report_dir), "-q", *extra],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, verdicts(report_dir / "junit.xml"), done.stdout + done.stderr


def verdicts(junit: Path) -> dict[str, tuple[str, str]]:
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped")
        if failure is not None:  # the message reads "[severity] target: reason"
            found[case.get("name", "")] = ("failed", re.sub(r"^\[\w+\] ", "", failure.get("message", "")))
        elif skipped is not None:
            found[case.get("name", "")] = ("skipped", skipped.get("message", ""))
        else:
            found[case.get("name", "")] = ("passed", "")
    return found
