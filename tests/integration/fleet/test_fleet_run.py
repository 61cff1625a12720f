"""A fleet written once: an Ansible INI group of the 16 lab hosts plus a one-template opsverify inventory expands
to 16 x K checks (``opsverify inventory check --list`` lists them), runs over one session per host, and its shards
1/3..3/3 together run exactly the unsharded checks; ``opsverify report merge`` reproduces verdicts and exit code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from opsverify.lab import fleet

from .conftest import LIVE, run, verdicts

TEMPLATE = """\
version: 1
defaults: {{timeout: 5s}}
groups:
  - name: web
    ansible: fleet.ini
    ssh: {{identity_file: {identity}, known_hosts: {known}}}
templates:
  - group: web
    hosts:
      files: [{{path: "{{{{ root }}}}/.env"}}, {{path: "{{{{ root }}}}/backups", type: directory}}]
      processes: [sshd]
      commands: [{{command: "cat {{{{ root }}}}/cron.d/backup", stdout_match: "backup.sh {{{{ host }}}}$"}}]
    backups: [{{name: db, directory: "{{{{ root }}}}/backups", glob: "*.tar"}}]
    logs: [{{name: app, path: "{{{{ root }}}}/app.log"}}]
    secrets: [{{name: env, env_file: "{{{{ root }}}}/.env", required: [DB_PASSWORD]}}]
"""
TEMPLATE_ENTRIES = 4  # the host's own entry (its aspects), backups, logs, secrets


@pytest.fixture
def fleet_inventory(fleet_lab: fleet.Fleet, tmp_path: Path) -> Path:
    live = [h for h in fleet_lab.hosts if not h.fault or h.fault == "missing-file"]
    assert len(live) == LIVE
    ini = ["[web]"] + [
        f"{h.name} ansible_host=127.0.0.1 ansible_port={h.port} ansible_user=root root={h.root}" for h in live
    ]
    ini += ["", "[dead]", f"{fleet_lab.hosts[-1].name} ansible_host=127.0.0.1 ansible_port={fleet_lab.hosts[-1].port}"]
    (tmp_path / "fleet.ini").write_text("\n".join(ini) + "\n")
    path = tmp_path / "inventory.yml"
    path.write_text(TEMPLATE.format(identity=fleet_lab.identity_file, known=fleet_lab.known_hosts))
    return path


def opsverify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "opsverify", *args], capture_output=True, text=True, timeout=600, check=False
    )


def host_of(test_id: str) -> str:
    return re.search(r"\[([^/\]]+)", test_id).group(1)  # type: ignore[union-attr]


def test_an_ansible_group_and_one_template_expand_to_16_x_k_checks(fleet_inventory, tmp_path):
    listed = opsverify("inventory", "-i", str(fleet_inventory), "check", "--list")
    assert listed.returncode == 0, listed.stderr
    targets = listed.stdout.splitlines()[1:]
    assert len(targets) == LIVE * TEMPLATE_ENTRIES
    assert "hosts host01" in targets and "secrets host16/env" in targets and "logs host07/app" in targets
    collected = opsverify(
        "run", "-i", str(fleet_inventory), "--report-dir", str(tmp_path / "c"), "--collect-only", "-q"
    )
    ids = [line for line in collected.stdout.splitlines() if "::test_" in line]
    per_host = Counter(host_of(i) for i in ids)
    k = per_host["host01"]
    assert k >= 8 and set(per_host.values()) == {k} and len(per_host) == LIVE
    assert len(ids) == LIVE * k


def test_the_fleet_runs_with_one_line_failures_naming_the_host(fleet_inventory, tmp_path):
    code, found, output = run(fleet_inventory, tmp_path / "all")
    assert code == 1, output
    failed = {name: message for name, (outcome, message) in found.items() if outcome == "failed"}
    root = Path(re.search(r"root=(\S+)", (fleet_inventory.parent / "fleet.ini").read_text().splitlines()[2]).group(1))  # type: ignore[union-attr]
    assert failed == {
        "test_host_files[host02]": f"host02: {root}/.env does not exist, expected a file or directory",
        "test_secrets_set[host02/env]": f"host02/env: {root}/.env does not exist, expected an env file",
    }


def test_shards_together_run_the_unsharded_checks_and_merge_reproduces_the_run(fleet_inventory, tmp_path):
    whole_code, whole, _ = run(fleet_inventory, tmp_path / "whole")
    shards = [run(fleet_inventory, tmp_path / f"shard{i}", "--shard", f"{i}/3") for i in (1, 2, 3)]
    ids = [name for _, found, _ in shards for name in found]
    assert sorted(ids) == sorted(whole)  # together exactly the unsharded checks, none twice
    assert all(found for _, found, _ in shards)  # each shard ran some
    for _, found, _ in shards:  # a host's checks stay in one shard (one session per host)
        mine = {host_of(n) for n in found}
        assert all(host_of(n) not in mine for _, other, _ in shards if other is not found for n in other)
    merged = opsverify(
        "report", "merge", *(str(tmp_path / f"shard{i}") for i in (1, 2, 3)), "--out", str(tmp_path / "m")
    )
    assert merged.returncode == whole_code == 1
    assert verdicts(tmp_path / "m" / "junit.xml") == whole
    assert "opsverify: FAIL:" in merged.stdout and (tmp_path / "m" / "report.html").is_file()
    # every shard wrote results.json (the readiness model): the merged page and results hold every check once
    results = json.loads((tmp_path / "m" / "results.json").read_text())
    assert sorted(c["id"] for c in results["checks"]) == sorted(whole)
    assert {c["id"]: c["outcome"] for c in results["checks"]} == {k: v[0] for k, v in whole.items()}
    assert results["verdict"] == "FAIL" and results["blocking"] == 2
    page = (tmp_path / "m" / "readiness.html").read_text()
    assert "host02/env" in page and (tmp_path / "m" / "summary.md").is_file()
