"""The one-session-per-host runner, with ``sh`` on this machine standing in for ``ssh host sh`` (no network)."""

from __future__ import annotations

import pytest

from opsverify.adapters import sessions as session_module
from opsverify.adapters.host import Access, CommandFailed, HostUnavailable
from opsverify.adapters.session import Session, ssh_argv
from opsverify.adapters.sessions import Pool, batched
from opsverify.inventory import Inventory
from opsverify.kinds import Context

HOST = Access("ssh://root@web1:2201", identity_file="/keys/id", known_hosts="/keys/known_hosts")


@pytest.fixture
def shell():
    opened = []

    def make(argv=("sh",), timeout=2.0):
        s = Session(HOST, timeout, argv=list(argv))
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def test_each_item_of_a_batch_keeps_its_exit_code_stdout_and_stderr(shell):
    results = shell().run_many(
        ["echo out; echo err >&2; exit 3", "printf 'no newline'", "printf 'two\\n\\n'", "true", "cat", "printf x >&2"]
    )
    got = [(r.rc, r.stdout, r.stderr, r.timed_out) for r in results]
    assert got == [
        (3, "out\n", "err\n", False),
        (0, "no newline", "", False),
        (0, "two\n\n", "", False),
        (0, "", "", False),
        (0, "", "", False),  # stdin is /dev/null: a command reading it cannot eat the script
        (0, "", "x", False),
    ]


def test_an_item_that_runs_out_of_time_is_killed_and_the_next_still_runs(shell):
    slow, after = shell(timeout=1.0).run_many(["sleep 30", "echo after"])
    assert slow.timed_out and slow.rc == 124
    assert (after.rc, after.stdout) == (0, "after\n")


def test_output_fails_with_the_same_words_as_a_connection(shell):
    s = shell()
    assert s.output("echo ok") == "ok\n"
    with pytest.raises(CommandFailed, match=r"^`ls /nonexistent-path` exited [12]: ls: .*nonexistent"):
        s.output("ls /nonexistent-path")


def test_the_session_is_reused_for_every_batch(shell, tmp_path):
    log = tmp_path / "starts"
    s = shell(argv=["sh", "-c", f"echo started >> {log}; exec sh"])
    for _ in range(3):
        assert s.run_many(["echo a", "echo b"])[1].stdout == "b\n"
    assert log.read_text() == "started\n"  # one ssh (here: one sh) for every batch


def test_a_host_that_never_answers_costs_one_timeout_then_fails_at_once(shell):
    s = shell(argv=["sleep", "60"], timeout=1.0)
    with pytest.raises(HostUnavailable, match=r"^ssh root@web1:2201: no answer within 7s \(session closed\)$"):
        s.run("true")
    assert s.dead is not None
    with pytest.raises(HostUnavailable, match="no answer within 7s"):
        s.run_many(["true", "true"])  # no second wait: the reason is remembered


def test_an_ssh_failure_is_described_once_in_one_line(shell):
    refused = "ssh: connect to host web1 port 2201: Connection refused"
    s = shell(argv=["sh", "-c", f"echo '{refused}' >&2; exit 255"])
    with pytest.raises(HostUnavailable, match=r"^ssh root@web1:2201: connection refused$"):
        s.run("true")
    denied = shell(argv=["sh", "-c", "echo 'root@web1: Permission denied (publickey).' >&2; exit 255"])
    with pytest.raises(HostUnavailable, match=r"authentication failed"):
        denied.output("true")


def test_a_session_whose_shell_ends_reports_how(shell):
    s = shell(argv=["sh", "-c", "head -n 1 | sh; echo 'bye' >&2; exit 7"])  # answers the handshake, then ends
    with pytest.raises(HostUnavailable, match=r"^ssh root@web1:2201: the session ended \(exit 7: bye\)$"):
        s.run("true")


def test_ssh_argv_keeps_host_key_checking_on_and_runs_sh():
    argv = ssh_argv(HOST, 5.0)
    assert argv[0] == "ssh" and argv[-2:] == ["web1", "exec /bin/sh"]
    joined = " ".join(argv)
    for option in (
        "BatchMode=yes",
        "StrictHostKeyChecking=yes",
        "ConnectTimeout=5",
        "UserKnownHostsFile=/keys/known_hosts",
    ):
        assert option in joined
    assert "-i /keys/id" in joined and "-p 2201" in joined and "-l root" in joined


def test_batched_sends_every_planned_command_in_one_batch(shell):
    s = shell()
    sent = []
    original = s.run_many

    def spy(commands, timeout=None):
        sent.append(list(commands))
        return original(commands, timeout)

    s.run_many = spy  # type: ignore[method-assign]

    def plan(runner):  # like the hosts gather: every item catches its own failure (the dry run fails them all)
        out = []
        for command in ("echo a", "echo b", "echo a"):
            try:
                out.append(runner.output(command))
            except CommandFailed as exc:
                out.append(str(exc))
        return out

    runner = batched(s, plan)
    assert plan(runner) == ["a\n", "b\n", "a\n"]
    assert sent == [["echo a", "echo b"]]  # one batch, duplicates once; the real pass is answered from it


def test_the_pool_keeps_one_session_per_host_in_the_runs_context():
    ctx = Context(Inventory())
    pool = session_module.pool(ctx.cache)
    assert session_module.pool(ctx.cache) is pool
    a = pool.connect(HOST, 3.0)
    b = pool.connect(HOST, 9.0)
    assert a.session is b.session  # type: ignore[attr-defined]
    assert (a.timeout, b.timeout) == (3.0, 9.0)  # type: ignore[attr-defined]
    assert type(pool.connect(Access("local://"), 3.0)).__name__ == "Connection"
    pool.close()
    assert isinstance(Pool(), Pool)


def test_a_big_batch_against_chatty_commands_does_not_deadlock(shell):
    commands = [f"head -c 20000 /dev/zero | tr '\\0' x; echo {i}" for i in range(300)]  # 6 MB out, 90 kB of script
    results = shell(timeout=10.0).run_many(commands)
    assert [r.stdout[-4:].strip() for r in results][-3:] == ["297", "298", "299"]
    assert all(len(r.stdout) == 20000 + len(str(i)) + 1 for i, r in enumerate(results))


def test_the_hosts_probe_sends_its_commands_in_one_batch(shell, tmp_path):
    from opsverify.adapters.sessions import View
    from opsverify.errors import InventoryError
    from opsverify.inventory import HostEntry
    from opsverify.probes import hosts
    from opsverify.schema import Converter

    (tmp_path / ".env").write_text("A=1\n")
    data = {
        "name": "web1",
        "spec": HOST.spec,
        "disks": [{"mount": "/", "max_used_percent": 100}],
        "memory": {"min_available_percent": 0},
        "files": [{"path": str(tmp_path / ".env")}, {"path": str(tmp_path / "nope")}],
        "processes": ["no-such-process"],
        "commands": [{"command": "echo hi", "stdout_match": "^hi"}],
    }
    entry = Converter("t.yml", InventoryError).dataclass(data, HostEntry, "", 1)
    session = shell()
    batches = []
    original = session.run_many
    session.run_many = lambda commands, timeout=None: batches.append(len(commands)) or original(commands, timeout)  # type: ignore[method-assign]
    facts = hosts.gather(entry, 3.0, lambda access, timeout: View(session, timeout))
    assert batches == [1, 6]  # reach the host, then every command of the entry at once
    assert [hosts.disks(entry, facts).ok, hosts.memory(entry, facts).ok, hosts.commands(entry, facts).ok] == [True] * 3
    assert hosts.files(entry, facts).message == f"web1: {tmp_path}/nope does not exist, expected a file or directory"
    assert hosts.processes(entry, facts).message == "web1: process(es) no-such-process not running, expected running"
