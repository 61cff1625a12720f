"""Hosts over one SSH session per host read exactly as over one testinfra connection per command: the same facts'
verdicts, and the same one-line failures for a dead port, an unknown host key and a changed host key."""

from __future__ import annotations

import subprocess

import pytest

from opsverify.adapters.sessions import Pool
from opsverify.errors import InventoryError
from opsverify.inventory import HostEntry
from opsverify.probes import hosts
from opsverify.schema import Converter

JUDGES = [hosts.reachable, hosts.disks, hosts.memory, hosts.files, hosts.processes, hosts.commands, hosts.ports]


def entry(lab, name: str, known_hosts: str | None = None) -> HostEntry:
    host = lab.host(name)
    data = {
        "name": name,
        "spec": host.spec,
        "identity_file": str(lab.identity_file),
        "known_hosts": known_hosts or str(lab.known_hosts),
        "disks": [{"mount": "/", "max_used_percent": 99.9}],
        "memory": {"min_available_percent": 1},
        "files": [{"path": f"{host.root}/.env", "mode": "644"}, {"path": f"{host.root}/nope"}],
        "processes": ["sshd", "no-such-process"],
        "ports": [host.port],
        "commands": [{"command": "echo out; echo err >&2; exit 3", "exit_code": 3, "stdout_match": "^out"}],
    }
    return Converter("test.yml", InventoryError).dataclass(data, HostEntry, "", 1)


def both(target: HostEntry) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    pool = Pool()
    try:
        over_session = hosts.gather(target, 3.0, pool.connect)
    finally:
        pool.close()
    per_command = hosts.gather(target, 3.0)
    return [(j(target, per_command).ok, j(target, per_command).message) for j in JUDGES], [
        (j(target, over_session).ok, j(target, over_session).message) for j in JUDGES
    ]


def test_a_live_host_reads_the_same_over_a_session(fleet_lab):
    per_command, over_session = both(entry(fleet_lab, "host01"))
    assert (
        [ok for ok, _ in over_session] == [ok for ok, _ in per_command] == [True, True, True, False, False, True, True]
    )
    assert over_session[3:5] == per_command[3:5]  # the failures, word for word
    assert over_session[3][1].endswith("/nope does not exist, expected a file or directory")


@pytest.mark.parametrize("fault", ["dead port", "unknown host key", "changed host key"])
def test_connection_failures_read_the_same_over_a_session(fleet_lab, tmp_path, fault):
    known = None
    if fault != "dead port":
        known = tmp_path / "known_hosts"
        if fault == "unknown host key":
            known.write_text("")
        else:
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "k")], check=True, timeout=30
            )
            kind, blob = (tmp_path / "k.pub").read_text().split()[:2]
            known.write_text(f"[127.0.0.1]:{fleet_lab.host('host01').port} {kind} {blob}\n")
    target = entry(fleet_lab, "host17" if fault == "dead port" else "host01", str(known) if known else None)
    per_command, over_session = both(target)
    assert over_session == per_command
    assert all(not ok for ok, _ in over_session)
    expected = {
        "dead port": "connection refused",
        "unknown host key": "the host is not in",
        "changed host key": "does not match",
    }
    assert expected[fault] in over_session[0][1]
