"""Runbook: `df -h` under 90 %, `free -m`, `uptime`, `ss -tln`, `ls -l .env`, `crontab -l`, `ps`, a command's output."""

import pytest

from opsverify.inventory.hosts import HostEntry
from opsverify.probes import hosts
from opsverify.probes.hosts_facts import HostFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("hosts", severity="critical")
def test_host_reachable(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.reachable(target, facts))


@pytest.mark.opsverify("hosts", severity="critical", where=lambda t: t.disks)
def test_host_disks(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.disks(target, facts))


@pytest.mark.opsverify("hosts", severity="warning", where=lambda t: t.memory is not None)
def test_host_memory(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.memory(target, facts))


@pytest.mark.opsverify("hosts", severity="warning", where=lambda t: t.load is not None)
def test_host_load(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.load(target, facts))


@pytest.mark.opsverify("hosts", severity="critical", where=lambda t: t.ports)
def test_host_ports(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.ports(target, facts))


@pytest.mark.opsverify("hosts", severity="critical", where=lambda t: t.files)
def test_host_files(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.files(target, facts))


@pytest.mark.opsverify("hosts", severity="critical", where=lambda t: t.cron)
def test_host_cron(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.cron(target, facts))


@pytest.mark.opsverify("hosts", severity="critical", where=lambda t: t.processes)
def test_host_processes(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.processes(target, facts))


@pytest.mark.opsverify("hosts", severity="critical", where=lambda t: t.commands)
def test_host_commands(target: HostEntry, facts: HostFacts) -> None:
    expect(hosts.commands(target, facts))
