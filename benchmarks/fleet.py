"""A fleet of N OpenSSH servers on 127.0.0.1 (the lab's fleet, lab/fleet.py), one of them hung (accepts TCP, never
answers), the same checks on every host written once (an Ansible INI group + one template), gathered twice:

- one session per host (adapters/session.py: one ssh + sh per host for the run, commands batched), and
- one connection per command (testinfra's ssh backend with ControlMaster=no, what opsverify did before),

both through the real probes (hosts, backups, logs, secrets) with the plugin's default concurrency (64), then the
same judges. Also prints one live host alone (session per host) and the ratio the issue asks for: the fleet's
session-per-host time against one host plus one timeout. Never asserts on time. Root only (it starts sshd).

Each mode runs ``--repeat`` times (default 2), alternating, and the best run of each counts (all are printed).

Run: `.venv/bin/python benchmarks/fleet.py --hosts 32`
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from opsverify.adapters.host import Access, Connection
from opsverify.adapters.sessions import Pool, Runner
from opsverify.inventory import load_inventory
from opsverify.kinds import Context
from opsverify.lab import fleet
from opsverify.probes import backups, hosts, logs, secrets

TEMPLATE = """version: 1
defaults: {{timeout: {timeout}ms}}
groups:
  - name: fleet
    ansible: fleet.ini
    ssh: {{identity_file: {identity}, known_hosts: {known}}}
templates:
  - group: fleet
    hosts:
      disks: [{{mount: /, max_used_percent: 99.9}}]
      memory: {{min_available_percent: 1}}
      load: {{max_per_core: 1000}}
      files: [{{path: "{{{{ root }}}}/.env"}}, {{path: "{{{{ root }}}}/backups", type: directory}}]
      processes: [sshd]
      commands: [{{command: "cat {{{{ root }}}}/cron.d/backup", stdout_match: backup}}]
    backups: [{{name: db, directory: "{{{{ root }}}}/backups", glob: "*.tar"}}]
    logs: [{{name: app, path: "{{{{ root }}}}/app.log"}}]
    secrets: [{{name: env, env_file: "{{{{ root }}}}/.env", required: [DB_PASSWORD]}}]
"""
HOST_CHECKS = [hosts.reachable, hosts.disks, hosts.memory, hosts.load, hosts.files, hosts.processes, hosts.commands]
BACKUP_CHECKS = [backups.fresh, backups.archive_readable, backups.retention]


class PerCommand(Pool):
    """The old way: a fresh testinfra ssh connection (ControlMaster=no) for every command."""

    def connect(self, access: Access, timeout: float) -> Runner:
        return Connection(access, timeout)


def write_inventory(folder: Path, lab: fleet.Fleet, timeout: float) -> Path:
    ini = ["[fleet]"]
    ini += [f"{h.name} ansible_host=127.0.0.1 ansible_port={h.port} ansible_user=root root={h.root}" for h in lab.hosts]
    (folder / "fleet.ini").write_text("\n".join(ini) + "\n")
    text = TEMPLATE.format(timeout=round(timeout * 1000), identity=lab.identity_file, known=lab.known_hosts)
    (folder / "inventory.yml").write_text(text)
    return folder / "inventory.yml"


def gather_all(ctx: Context, only: set[str] | None = None, workers: int = 64) -> tuple[float, list[Any]]:
    """Every probe of the inventory (``workers`` at a time: the plugin's default is 64), then every judge."""
    inv = ctx.inventory
    jobs: list[tuple[Any, Any, list[Any]]] = []
    jobs += [(hosts.KIND, e, HOST_CHECKS) for e in inv.hosts]
    jobs += [(backups.KIND, e, BACKUP_CHECKS) for e in inv.backups]
    jobs += [(logs.KIND, e, [logs.error_rate]) for e in inv.logs]
    jobs += [(secrets.KIND, e, [secrets.required_set]) for e in inv.secrets]
    if only is not None:
        jobs = [j for j in jobs if j[1].name.split("/")[0] in only]
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        facts = list(pool.map(lambda job: job[0].gather(job[1], ctx), jobs))
    elapsed = time.monotonic() - started
    verdicts = [judge(entry, f) for (_, entry, judges), f in zip(jobs, facts, strict=True) for judge in judges]
    return elapsed, verdicts


def settle(root: Path, wait: float = 180.0) -> None:
    """Wait until no process on the hosts still works for a check: clients killed at their limit leave their remote
    shells running (here: root's .bashrc, which runs `pyenv rehash` under a lock), and the next run would pay."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and (_busy(str(root).encode()) or _busy(b"pyenv-rehash")):
        time.sleep(1)


def _busy(marker: bytes) -> bool:
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in path.read_bytes():
                return True
        except OSError:
            continue
    return False


def fmt(runs: list[tuple[float, list[Any]]]) -> str:
    """Each run's seconds and how many of its checks failed."""
    return ", ".join(f"{t:.2f} ({sum(not v.ok for v in verdicts)} failed)" for t, verdicts in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=32, help="hosts in the fleet, the hung one included")
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=64, help="probes in flight (the plugin's default: 64)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each mode, alternating; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opsverify-fleet-") as tmp:
        lab = fleet.start(Path(tmp) / "fleet", max(1, args.hosts - 1), silent=1, missing_file=False)
        try:
            inv = load_inventory(write_inventory(Path(tmp), lab, args.timeout), environ={})
            per_host = len(HOST_CHECKS) + len(BACKUP_CHECKS) + 2
            ones, sessions, commands = [], [], []
            for _ in range(args.repeat):  # alternating, each mode's best: the machine is shared, its load varies
                ones.append(gather_all(Context(inv), {lab.hosts[0].name}, args.concurrency))
                sessions.append(gather_all(Context(inv), None, args.concurrency))
                old_way = Context(inv, cache={"opsverify.sessions": PerCommand()})
                commands.append(gather_all(old_way, None, args.concurrency))
                settle(lab.root)
            (one, _), (session, fast), (command, slow) = (
                min(runs, key=lambda run: run[0]) for runs in (ones, sessions, commands)
            )
        finally:
            fleet.stop(lab)
    failed = [v for v in fast if not v.ok]
    same = [(v.ok, v.target) for v in fast] == [(v.ok, v.target) for v in slow]
    for a, b in [(a, b) for a, b in zip(fast, slow, strict=True) if (a.ok, a.target) != (b.ok, b.target)][:3]:
        print(f"differs: session per host: {a.message}\n   connection per command: {b.message}")
    print(
        f"checks per host: {per_host}; hosts: {len(lab.hosts)} (1 hung: accepts TCP, never answers); timeout {args.timeout:g}s; concurrency {args.concurrency}"
    )
    print(f"best runs: pass/fail identical in both modes: {'yes' if same else 'NO'}; failing: {len(failed)}")
    for verdict in failed[:2]:
        print(f"  e.g. {verdict.message}")
    print(f"runs (s): one host {fmt(ones)}; session per host {fmt(sessions)}; connection per command {fmt(commands)}")
    print(f"one live host alone, session per host: {one:.2f} s; one host + one timeout: {one + args.timeout:.2f} s")
    print(f"fleet, session per host vs (one host + one timeout): {session / (one + args.timeout):.2f} x")
    print(
        f"fleet: {len(lab.hosts)} hosts x {per_host} checks: {session:.2f} s (session per host) vs "
        f"{command:.2f} s (connection per command) = {command / session:.1f} x"
    )


if __name__ == "__main__":
    main()
