"""--shard I/N: deterministic, complete, disjoint, and a host's checks stay together."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from opsverify import shard


@dataclass
class Target:
    name: str
    host: str | None = None


def test_shards_together_are_exactly_the_whole_and_never_overlap():
    items = [f"{h}/{c}" for h in ("web1", "web2", "web3", "db1", "db2") for c in ("a", "b")] + ["api", "rules::t1"]
    key = lambda i: i.split("/")[0]  # noqa: E731
    parts = [shard.select(items, (i, 3), key)[0] for i in (1, 2, 3)]
    assert sorted(x for p in parts for x in p) == sorted(items)
    assert sum(len(p) for p in parts) == len(items)
    assert parts == [shard.select(list(reversed(items)), (i, 3), key)[0][::-1] for i in (1, 2, 3)]  # order-free
    for part in parts:
        assert {key(x) for x in part}.isdisjoint({key(x) for other in parts if other is not part for x in other})


def test_a_hosts_checks_share_its_group():
    assert shard.group_of(Target("web1/calendar-redis", host="web1"), "id") == "web1"
    assert shard.group_of(Target("web1/app-errors"), "id") == "web1"
    assert shard.group_of(Target("web1"), "id") == "web1"
    assert shard.group_of(None, "rules.yml::t") == "~rules.yml::t"


@pytest.mark.parametrize("bad", ["3", "0/3", "4/3", "a/b", "1/0", ""])
def test_a_bad_shard_is_refused(bad):
    with pytest.raises(shard.ShardError, match="--shard"):
        shard.parse(bad)


def test_the_run_command_passes_the_shard_to_the_plugin():
    from opsverify import suite

    args = suite.parse(["smoke", "--shard", "2/4", "-k", "x"])
    assert args.shard == "2/4"
    command = suite.pytest_command(args, "src/opsverify/fixtures/inventory/lab.yml", [])
    assert command[command.index("--opsverify-shard") + 1] == "2/4"
    with pytest.raises(suite.UsageError, match="--shard"):
        suite.parse(["--shard", "5/4"])
