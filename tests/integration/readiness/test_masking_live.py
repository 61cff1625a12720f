"""A planted secret never reaches any artifact of a run: HTML report, JUnit file, stdout, stderr.

Two secrets are planted: one in the inventory (``${API_TOKEN}``, secret by its name) and one in an env file
(``DB_PASSWORD``, read by the secrets check). Checks that see them fail, so their output lands in the reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

PLANTED_VAR = "pl4nted-inventory-t0ken-8d1e"
PLANTED_FILE = "pl4nted-env-passw0rd-41c9"

INVENTORY = """\
version: 1
name: planted secrets
hosts:
  - name: planted-host
    spec: local://
    commands:
      - command: "echo calling upstream with bearer ${{API_TOKEN}}; cat {env}; exit 1"
logs:
  - name: planted-log
    path: {log}
    since: 24h
  - name: planted-container-log
    container: lab-sloppy
    since: 24h
secrets:
  - name: planted-env
    env_file: {env}
    required: [DB_PASSWORD, ADMIN_PASSWORD]
http:
  - name: planted-http
    url: http://127.0.0.1:1/health?token=${{API_TOKEN}}
    headers:
      Authorization: Bearer ${{API_TOKEN}}
"""


def test_planted_secrets_appear_in_no_artifact(lab, tmp_path, write_inventory):
    env = tmp_path / ".env"
    env.write_text(f"DB_PASSWORD={PLANTED_FILE}\nADMIN_PASSWORD=changeme\n")
    log = tmp_path / "app.log"
    log.write_text(
        f"ERROR upstream rejected bearer {PLANTED_VAR}\n"
        f"ERROR db login failed password={PLANTED_FILE}\n"
        f"FATAL giving up, DB_PASSWORD: {PLANTED_FILE}\n"
    )
    inventory = write_inventory(INVENTORY.format(env=env, log=log))
    reports = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "opsverify.cli", "run", "readiness", "-i", str(inventory), "--report-dir", str(reports)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "API_TOKEN": PLANTED_VAR},
        check=False,
    )
    artifacts = {
        "stdout": done.stdout,
        "stderr": done.stderr,
        "report.html": (reports / "report.html").read_text(),
        "junit.xml": (reports / "junit.xml").read_text(),
    }
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    failed = _failed_cases(artifacts["junit.xml"])
    # the checks that saw the secrets ran and failed, so their output is in the reports...
    for case in (
        "test_host_commands[planted-host]",
        "test_no_error_storm[planted-log]",
        "test_no_error_storm[planted-container-log]",
        "test_secrets_set[planted-env]",
        "test_http_status[planted-http]",
    ):
        assert case in failed, f"{case} did not fail: {sorted(failed)}"
    assert "calling upstream with bearer ***" in failed["test_host_commands[planted-host]"]
    assert "3 of 3 lines" in failed["test_no_error_storm[planted-log]"]
    # ...and yet no artifact holds either secret, whole or as a prefix long enough to matter
    for name, text in artifacts.items():
        for secret in (PLANTED_VAR, PLANTED_FILE, "lab-storm-token-5f1d9c"):
            assert secret[:12] not in text, f"{secret} leaked into {name}"


def _failed_cases(junit: str) -> dict[str, str]:
    failed = {}
    for case in ET.fromstring(junit).iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            failed[case.get("name", "")] = (failure.get("message") or "") + (failure.text or "")
    return failed
