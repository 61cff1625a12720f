"""The readiness kinds: which entries become targets, and how `host:` references resolve."""

from __future__ import annotations

from opsverify.adapters.host import Access
from opsverify.inventory import load_inventory
from opsverify.kinds import Context
from opsverify.probes import backups, hosts_facts
from opsverify.registry import kind

INVENTORY = """\
version: 1
environments: {prod: {}, staging: {}}
default_environment: prod
hosts:
  - {name: db1, spec: "ssh://root@127.0.0.1:2222", identity_file: /k, known_hosts: /kh}
  - {name: only-staging, spec: "local://", environments: [staging]}
containers:
  - {name: plain}
  - {name: deep, exec: [{command: "true"}]}
  - {name: mem, max_memory_percent: 80}
backups:
  - {name: b, host: db1, directory: /b}
"""


def _context(tmp_path):
    path = tmp_path / "inv.yml"
    path.write_text(INVENTORY)
    return Context(load_inventory(path, environ={}))


def test_targets_follow_environments_and_depth_options(tmp_path):
    ctx = _context(tmp_path)
    assert [h.name for h in kind("hosts").entries(ctx)] == ["db1"]
    assert [c.name for c in kind("containers").entries(ctx)] == ["plain", "deep", "mem"]
    assert kind("containers").probe("depth") is not kind("containers").probe()


def test_host_references_resolve_to_the_hosts_entry_or_a_spec(tmp_path):
    ctx = _context(tmp_path)
    hosts = ctx.inventory.hosts
    assert hosts_facts.resolve("db1", hosts) == Access("ssh://root@127.0.0.1:2222", "/k", "/kh", None)
    assert hosts_facts.resolve("docker://api", hosts) == Access("docker://api")
    assert hosts_facts.resolve(None, hosts) == Access("local://")


def test_an_unknown_host_reference_fails_the_check_with_the_reason(tmp_path):
    ctx = _context(tmp_path)
    entry = ctx.inventory.backups[0]
    entry.host = "nowhere"  # the loader refuses this (tests/unit/inventory); the check still says why if it happens
    verdict = backups.fresh(entry, kind("backups").gather(entry, ctx))
    assert (
        verdict.message
        == "b: host 'nowhere' is not under hosts: (known: db1, only-staging) and is not a spec like ssh://user@host"
    )


def test_only_place_free_kinds_may_spread_over_probe_processes() -> None:
    from opsverify import registry

    assert registry.spread(("http", "", "api"))  # one request per probe
    assert not registry.spread(("hosts", "", "web-1"))  # one SSH session per host: stays in one process
    assert not registry.spread(("containers", "depth", "db"))
    assert not registry.spread("not a kind key")
