"""Host entries and judges on hand-made facts (no host needed)."""

from __future__ import annotations

import pytest

from opsverify.adapters.host import Access, Result, describe_ssh_failure
from opsverify.errors import InventoryError
from opsverify.inventory import HostEntry, load_inventory
from opsverify.inventory.hosts import format_size, parse_size
from opsverify.probes import hosts, hosts_facts
from opsverify.probes.hosts_facts import Disk, FileInfo, HostFacts


@pytest.mark.parametrize(
    ("text", "size"), [("100", 100), ("1K", 1024), ("2GiB", 2 << 30), ("1.5M", 1572864), ("5mb", 5 << 20)]
)
def test_sizes(text, size):
    assert parse_size(text) == size


def test_bad_size_is_a_file_line_error(tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text(
        "version: 1\nhosts:\n  - name: a\n    spec: local://\n    disks:\n      - mount: /\n        min_free: lots\n"
    )
    with pytest.raises(InventoryError, match=r"inv.yml:6: hosts\[0\].disks\[0\]: bad size 'lots'"):
        load_inventory(inv, environ={})


def test_unknown_host_key_and_bad_scheme_are_reported(tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text("version: 1\nhosts:\n  - name: a\n    spec: local://\n    disk: []\n")
    with pytest.raises(InventoryError, match=r"inv.yml:5: hosts\[0\]: unknown key 'disk' \(did you mean 'disks'\?\)"):
        load_inventory(inv, environ={})
    inv.write_text("version: 1\nhosts:\n  - name: a\n    spec: winrm://x\n")
    with pytest.raises(InventoryError, match="scheme 'winrm' is not supported"):
        load_inventory(inv, environ={})


def test_parsers():
    df = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 1000 930 70 93% /\n"
    disk = hosts_facts.parse_df("/", df)
    assert (disk.used, disk.free, disk.filesystem_mount) == (930 * 1024, 70 * 1024, "/")
    assert disk.used_percent == pytest.approx(93.0)
    assert hosts_facts.parse_load("0.5 4.0 1.0 1/100 42\n2\n") == (0.5, 4.0, 1.0, 2)
    tcp = "  sl  local_address rem_address   st\n   0: 0100007F:08AE 00000000:0000 0A\n   1: 0100007F:1F90 0100007F:0001 01\n"
    assert hosts_facts.parse_proc_net(tcp) == {2222}
    assert hosts_facts.parse_stat("/x", "regular file|600|root|root\n") == FileInfo(
        "/x", True, "file", "600", "root", "root"
    )
    assert hosts_facts.parse_stat("/x", "MISSING\n").exists is False
    assert hosts_facts.cron_lines("/etc/cron.d/a:# c\n/etc/cron.d/a:5 * * * * root x\n") == [
        "/etc/cron.d/a: 5 * * * * root x"
    ]


def _entry(**kw):
    return HostEntry(name="h", spec="local://", **kw)


def test_disk_judge_reports_percent_and_free_bytes():
    from opsverify.inventory.hosts import DiskCheck

    entry = _entry(disks=[DiskCheck(mount="/var", max_used_percent=90, min_free="1G")])
    facts = HostFacts("h", "local://", disks={"/var": Disk("/var", "/", 100 << 30, 95 << 30, 1 << 29)})
    msg = hosts.disks(entry, facts).message
    assert msg.startswith("h: disk /var (on /) is 99.5% used, expected <= 90%; disk /var (on /) has 512.0 MiB free")
    facts.disks["/var"] = Disk("/var", "/var", 100 << 30, 10 << 30, 90 << 30)
    assert hosts.disks(entry, facts).ok


def test_unreachable_host_fails_every_aspect_with_the_same_reason():
    facts = HostFacts("h", "local://", error="ssh x: connection refused")
    for judge in (hosts.reachable, hosts.disks, hosts.memory, hosts.ports, hosts.files, hosts.commands):
        assert judge(_entry(), facts).message == "h: ssh x: connection refused"


def test_command_judge():
    from opsverify.inventory.hosts import CommandCheck

    entry = _entry(commands=[CommandCheck(command="redis-cli ping", stdout_match="PONG")])
    facts = HostFacts("h", "local://", commands={"redis-cli ping": Result(0, "PONG\n", "")})
    assert hosts.commands(entry, facts).ok
    facts.commands["redis-cli ping"] = Result(1, "", "Could not connect to Redis at 127.0.0.1:6379: Connection refused")
    assert hosts.commands(entry, facts).message == (
        "h: `redis-cli ping` exited 1, expected 0; output: Could not connect to Redis at 127.0.0.1:6379: Connection refused"
    )


def test_ssh_failures_read_as_one_line():
    access = Access("ssh://root@10.0.0.1:22", known_hosts="/kh")
    changed = "@@@\nWARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!\nSHA256:abc+/=.\nHost key verification failed.\n"
    assert describe_ssh_failure(changed, access, 5) == (
        "ssh root@10.0.0.1:22: host key verification failed: the host's key does not match /kh (the host sent SHA256:abc+/=)"
    )
    assert "no connection within 5s" in describe_ssh_failure("ssh: connect to host: Connection timed out", access, 5)
    assert "authentication failed" in describe_ssh_failure("root@x: Permission denied (publickey).", access, 5)


def test_format_size():
    assert format_size(512) == "512 B" and format_size(3 << 30) == "3.0 GiB"


def test_a_host_that_cannot_run_commands_fails_every_aspect_not_errors(monkeypatch):
    from opsverify.adapters.host import CommandFailed, Connection

    def refuse(self, command):
        raise CommandFailed("`true` exited 127: sh: timeout: not found")

    monkeypatch.setattr(Connection, "output", refuse)
    facts = hosts_facts.gather(_entry(), 1.0)
    assert hosts.reachable(_entry(), facts).message == (
        "h: local://: cannot run commands: `true` exited 127: sh: timeout: not found"
    )
