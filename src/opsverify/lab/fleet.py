"""A fleet for the lab: N OpenSSH servers on 127.0.0.1, one per "host", each with its own files and cron folder.

Every host is Debian's sshd on a port of its own (root logs in with one client key; host-key checking stays on
through a known_hosts file listing every port). A host's files live under ``ROOT/hosts/NAME`` (``.env``, a log,
backups, ``cron.d``); some hosts get containers on this machine's engine, named ``PREFIX-NAME-app`` /
``PREFIX-NAME-down``, so that they are reached with the ``docker`` CLI over that host's session. Faults: one host
has no ``.env`` (a missing file), ``dead`` hosts have a port nothing listens on, ``silent`` hosts accept TCP and
never answer (a hung host). Nothing here touches the shared lab (``lab-*``, port 2222).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .engine import LabError, run

SSHD = Path("/usr/sbin/sshd")
IMAGE = "opsverify-lab/base:1.0"
HOST = "127.0.0.1"


@dataclass
class FleetHost:
    name: str
    port: int
    root: Path  # this host's files
    fault: str = ""  # "", "missing-file", "dead", "silent"

    @property
    def spec(self) -> str:
        return f"ssh://root@{HOST}:{self.port}"


@dataclass
class Fleet:
    root: Path
    prefix: str
    hosts: list[FleetHost] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    _listeners: list[socket.socket] = field(default_factory=list, repr=False)

    @property
    def identity_file(self) -> Path:
        return self.root / "ssh" / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.root / "ssh" / "known_hosts"

    def host(self, name: str) -> FleetHost:
        return next(h for h in self.hosts if h.name == name)

    def container(self, host: str, what: str) -> str:
        return f"{self.prefix}-{host}-{what}"


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on right now (bound once to port 0 by the kernel, then released)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((HOST, 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def start(
    root: Path,
    count: int,
    prefix: str = "ovfleet",
    with_containers: int = 0,
    dead: int = 0,
    silent: int = 0,
    missing_file: bool = True,
) -> Fleet:
    """``count`` live hosts (``host01``...), then ``dead`` and ``silent`` ones; containers on the first
    ``with_containers`` hosts. Stop it with :func:`stop` (also on failure)."""
    if not SSHD.exists() or shutil.which("ssh-keygen") is None:
        raise LabError("the fleet needs Debian's OpenSSH (apt-get install openssh-server openssh-client)")
    if os.geteuid() != 0:
        raise LabError("the fleet's sshd servers must be started as root")
    fleet = Fleet(root, prefix)
    ports = free_ports(count + dead + silent)
    names = [f"host{i + 1:02d}" for i in range(count + dead + silent)]
    faults = ["" for _ in range(count)] + ["dead"] * dead + ["silent"] * silent
    if missing_file and count > 1:
        faults[1] = "missing-file"
    fleet.hosts = [FleetHost(n, p, root / "hosts" / n, f) for n, p, f in zip(names, ports, faults, strict=True)]
    try:
        _keys(fleet)
        for host in fleet.hosts:
            _files(host)
            if host.fault in ("", "missing-file"):
                _sshd(fleet, host)
            elif host.fault == "silent":
                fleet._listeners.append(_silent_listener(host.port))
        _wait_answering(fleet)
        for host in fleet.hosts[:with_containers]:
            _containers(fleet, host)
    except BaseException:
        stop(fleet)
        raise
    return fleet


def stop(fleet: Fleet) -> None:
    for host in fleet.hosts:
        pid_file = fleet.root / "sshd" / f"{host.name}.pid"
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    for sock in fleet._listeners:
        sock.close()
    if fleet.containers:
        with contextlib.suppress(LabError):
            run(["docker", "rm", "-f", *fleet.containers], timeout=60)
    shutil.rmtree(fleet.root, ignore_errors=True)


def _keys(fleet: Fleet) -> None:
    folder = fleet.root / "ssh"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for name in ("host_key", "id_ed25519"):
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"opsverify-fleet {name}", "-f", str(folder / name)])
    (folder / "authorized_keys").write_text((folder / "id_ed25519.pub").read_text())
    kind, blob = (folder / "host_key.pub").read_text().split()[:2]
    fleet.known_hosts.write_text("".join(f"[{HOST}]:{h.port} {kind} {blob}\n" for h in fleet.hosts))


def _files(host: FleetHost) -> None:
    (host.root / "backups").mkdir(parents=True)
    (host.root / "cron.d").mkdir()
    if host.fault != "missing-file":
        (host.root / ".env").write_text(f"DB_PASSWORD=fleet-{host.name}-s3cret-value\nAPP_ENV=production\n")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (host.root / "app.log").write_text(f"{stamp} INFO {host.name} started\n{stamp} INFO {host.name} serving\n")
    (host.root / "backups" / "db-latest.tar").write_bytes(b"\0" * 10240)
    (host.root / "cron.d" / "backup").write_text(f"30 2 * * * root /usr/local/bin/backup.sh {host.name}\n")


def _sshd(fleet: Fleet, host: FleetHost) -> None:
    folder = fleet.root / "sshd"
    folder.mkdir(exist_ok=True)
    config = folder / f"{host.name}.conf"
    ssh = fleet.root / "ssh"
    lines = [
        f"ListenAddress {HOST}:{host.port}",
        f"HostKey {ssh / 'host_key'}",
        f"PidFile {folder / (host.name + '.pid')}",
        f"AuthorizedKeysFile {ssh / 'authorized_keys'}",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "MaxStartups 200:30:400",
        "MaxSessions 100",
        "LogLevel ERROR",
    ]
    config.write_text("\n".join(lines) + "\n")
    Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
    run([str(SSHD), "-f", str(config), "-E", str(folder / f"{host.name}.log")], timeout=30)


def _silent_listener(port: int) -> socket.socket:
    """Accepts connections and never says a word: a host whose sshd hangs."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, port))
    server.listen(512)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                for sock in held:
                    sock.close()
                return
            held.append(conn)

    threading.Thread(target=accept, name="fleet-silent", daemon=True).start()
    return server


def _wait_answering(fleet: Fleet, wait: float = 20.0) -> None:
    deadline = time.monotonic() + wait
    for host in (h for h in fleet.hosts if h.fault in ("", "missing-file")):
        while not _answers(host.port):
            if time.monotonic() > deadline:
                raise LabError(f"fleet sshd {host.name} did not answer on {HOST}:{host.port} within {wait:g}s")
            time.sleep(0.1)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1.0) as sock:
            sock.settimeout(1.0)
            return sock.recv(8).startswith(b"SSH-")
    except OSError:
        return False


def _containers(fleet: Fleet, host: FleetHost) -> None:
    """``-app``: running, healthy, a secret in its env and in an error line of its log, in compose project ``-shop``;
    ``-down``: exited, same project (a down service)."""
    project = f"{fleet.prefix}-{host.name}-shop"
    app, down = fleet.container(host.name, "app"), fleet.container(host.name, "down")
    common = ["--network", "host", "--label", f"com.docker.compose.project={project}"]
    script = 'echo booting; echo "ERROR login refused for $API_TOKEN"; exec sleep 86400'
    run(["docker", "rm", "-f", app, down], timeout=60) if _exists(app, down) else None
    fleet.containers += [app, down]
    run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            app,
            *common,
            "--label",
            "com.docker.compose.service=app",
            "-e",
            f"API_TOKEN=fleet-{host.name}-token-value",
            "-e",
            "MODE=live",
            "--memory",
            "64m",
            "--health-cmd",
            "true",
            "--health-interval",
            "1s",
            IMAGE,
            "sh",
            "-c",
            script,
        ],
        timeout=60,
    )
    run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            down,
            *common,
            "--label",
            "com.docker.compose.service=worker",
            IMAGE,
            "sh",
            "-c",
            "exit 3",
        ],
        timeout=60,
    )
    deadline = time.monotonic() + 30
    while _inspect(app, "{{.State.Health.Status}}") != "healthy" or _inspect(down, "{{.State.Status}}") != "exited":
        if time.monotonic() > deadline:
            raise LabError(f"fleet containers of {host.name} did not settle within 30s")
        time.sleep(0.3)


def _exists(*names: str) -> bool:
    done = subprocess.run(["docker", "inspect", *names], capture_output=True, timeout=30, check=False)
    return b'"Id"' in done.stdout


def _inspect(name: str, template: str) -> str:
    done = subprocess.run(["docker", "inspect", "-f", template, name], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()
