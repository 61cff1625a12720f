"""Hosts over a real OpenSSH server (host-key checking on), the local machine and a lab container."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from opsverify.inventory import HostEntry
from opsverify.lab import readiness, sshd
from opsverify.probes import hosts

from .conftest import build

TIMEOUT = 5.0


def check(entry: HostEntry):
    return hosts.gather(entry, TIMEOUT)


@pytest.mark.parametrize("where", ["ssh", "local"])
def test_a_healthy_host_passes_every_aspect(lab, ssh_access, where):
    access = ssh_access if where == "ssh" else {"spec": "local://"}
    env = lab / "app" / ".env"
    entry = build(
        HostEntry,
        name="web",
        **access,
        disks=[{"mount": "/", "max_used_percent": 99, "min_free": "1MiB"}],
        memory={"min_available": "16MiB", "min_available_percent": 1},
        load={"max_per_core": 1000},
        ports=[sshd.PORT, 18080, 16379],
        files=[
            {"path": str(env), "mode": "600", "owner": "root", "type": "file"},
            {"path": str(lab), "type": "directory"},
        ],
        cron=[{"pattern": r"nightly-backup\.sh", "user": readiness.CRON_USER}, {"pattern": "logrotate-weekly"}],
        processes=["sshd", "redis-server"],
        commands=[{"command": "echo ready; cat /etc/hostname >/dev/null", "stdout_match": "^ready"}],
    )
    facts = check(entry)
    assert facts.error is None
    for judge in (hosts.reachable, hosts.disks, hosts.memory, hosts.load, hosts.ports, hosts.files, hosts.cron):
        verdict = judge(entry, facts)
        assert verdict.ok, verdict.message
    assert hosts.processes(entry, facts).ok, hosts.processes(entry, facts).message
    assert hosts.commands(entry, facts).ok, hosts.commands(entry, facts).message


def test_each_aspect_fails_with_one_line_naming_expected_and_got(lab, ssh_access):
    entry = build(
        HostEntry,
        name="web",
        **ssh_access,
        disks=[{"mount": "/", "max_used_percent": 0.001, "min_free": "1000TiB"}],
        memory={"min_available": "1000TiB"},
        load={"max_per_core": 0, "window": "1m"},
        ports=[sshd.PORT, 1],
        files=[
            {"path": str(lab / "app" / ".env.bad"), "mode": "600", "owner": "nobody"},
            {"path": str(lab / "app" / "missing.env")},
        ],
        cron=[{"pattern": "no-such-job", "user": readiness.CRON_USER}],
        processes=["no-such-daemon"],
        commands=[{"command": "echo oops; exit 3"}, {"command": "echo PING", "stdout_match": "PONG"}],
    )
    facts = check(entry)
    msgs = {j.__name__: j(entry, facts) for j in (hosts.disks, hosts.memory, hosts.ports, hosts.files, hosts.cron)}
    msgs.update({j.__name__: j(entry, facts) for j in (hosts.processes, hosts.commands)})
    for name, verdict in msgs.items():
        assert not verdict.ok, name
        assert "\n" not in verdict.message and verdict.message.startswith("web: "), verdict.message
    assert "disk / is " in msgs["disks"].message and "expected <= 0.001%" in msgs["disks"].message
    assert "expected >= 1000.0 TiB" in msgs["disks"].message
    assert "memory available is" in msgs["memory"].message
    assert "TCP port(s) 1 not listening" in msgs["ports"].message
    assert ".env.bad has mode 0644, expected 0600" in msgs["files"].message
    assert 'owned by "root", expected "nobody"' in msgs["files"].message
    assert "missing.env does not exist" in msgs["files"].message
    assert "no cron entry matches /no-such-job/ in the crontab of opsverify-lab" in msgs["cron"].message
    assert "no-such-daemon not running" in msgs["processes"].message
    assert "exited 3, expected 0; output: oops" in msgs["commands"].message
    assert "does not match /PONG/: PING" in msgs["commands"].message


def test_a_host_whose_key_does_not_match_fails_clearly(lab, ssh_access):
    entry = build(HostEntry, name="web", **{**ssh_access, "known_hosts": str(sshd.known_hosts(wrong=True))}, ports=[22])
    verdict = hosts.ports(entry, check(entry))
    assert not verdict.ok
    assert "host key verification failed: the host's key does not match" in verdict.message
    assert "known_hosts.wrong" in verdict.message and "\n" not in verdict.message


def test_an_unknown_host_key_is_refused_not_accepted(lab, ssh_access, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    entry = build(HostEntry, name="web", **{**ssh_access, "known_hosts": str(empty)})
    verdict = hosts.reachable(entry, check(entry))
    assert not verdict.ok and "the host is not in" in verdict.message


def test_a_closed_ssh_port_fails_within_the_timeout(lab, ssh_access):
    entry = build(HostEntry, name="gone", **{**ssh_access, "spec": "ssh://root@127.0.0.1:1"})
    verdict = hosts.reachable(entry, check(entry))
    assert verdict.message == "gone: ssh root@127.0.0.1:1: connection refused"


def test_a_hung_command_is_killed_at_the_timeout(lab, ssh_access):
    entry = build(HostEntry, name="web", **ssh_access, timeout="2s", commands=[{"command": "sleep 30"}])
    facts = hosts.gather(entry, 2.0)
    verdict = hosts.commands(entry, facts)
    assert "`sleep 30` did not finish in time" in verdict.message


def test_docker_backend_reads_a_busybox_container(lab):
    entry = build(
        HostEntry,
        name="api-box",
        spec="docker://lab-api",
        files=[{"path": "/www", "type": "directory", "mode": "755"}],
        processes=["httpd"],
        ports=[18080],
        commands=[{"command": "cat /www/health", "stdout_match": '"status": "healthy"'}],
    )
    facts = check(entry)
    for judge in (hosts.files, hosts.processes, hosts.ports, hosts.commands):
        assert judge(entry, facts).ok, judge(entry, facts).message
    missing = build(HostEntry, name="ghost", spec="docker://lab-no-such-container")
    assert "No such container" in hosts.reachable(missing, check(missing)).message


def test_an_ssh_server_that_never_answers_costs_one_connect_timeout(lab):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (the kernel's backlog) and never sends a banner
    port = silent.getsockname()[1]
    try:
        entry = build(HostEntry, name="mute", spec=f"ssh://root@127.0.0.1:{port}", timeout="2s", ports=[22])
        started = time.monotonic()
        verdict = hosts.ports(entry, hosts.gather(entry, 2.0))
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert verdict.message == f"mute: ssh root@127.0.0.1:{port}: no connection within 2s (connect timeout)"
    assert elapsed < 6


def test_a_command_that_ignores_the_remote_timeout_is_killed_locally(lab):
    entry = build(HostEntry, name="stuck", spec="local://", commands=[{"command": "trap '' TERM; sleep 59.123"}])
    started = time.monotonic()
    verdict = hosts.commands(entry, hosts.gather(entry, 1.0))
    assert verdict.message == "stuck: local://: no answer within 2s (the local client was killed)"
    assert time.monotonic() - started < 15
    time.sleep(0.2)
    left = [p for p in Path("/proc").glob("[0-9]*/cmdline") if b"59.123" in _read(p)]
    assert not left, "the hung command outlived the check"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
