"""A real OpenSSH server for the lab: Debian's /usr/sbin/sshd on 127.0.0.1:2222, its own host key and config.

Everything lives under ``STATE/ssh`` (``/tmp/opsverify-lab/ssh`` unless $OPSVERIFY_LAB_STATE says otherwise):
the server's host key, a client key the lab generates (root logs in with it), ``known_hosts`` holding the real host
key (host-key checking stays on) and ``known_hosts.wrong`` holding another key, for the mismatch fault.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from pathlib import Path

from .engine import LabError, run

HOST = "127.0.0.1"
PORT = int(os.environ.get("OPSVERIFY_LAB_SSH_PORT", "2222"))
SSHD = Path("/usr/sbin/sshd")


def state_dir() -> Path:
    return Path(os.environ.get("OPSVERIFY_LAB_STATE", "/tmp/opsverify-lab"))


def ssh_dir() -> Path:
    return state_dir() / "ssh"


def identity_file() -> Path:
    return ssh_dir() / "id_ed25519"


def known_hosts(wrong: bool = False) -> Path:
    return ssh_dir() / ("known_hosts.wrong" if wrong else "known_hosts")


def spec() -> str:
    return f"ssh://root@{HOST}:{PORT}"


def up(wait: float = 15.0) -> None:
    """Start sshd unless ours already answers; keys and config are made once and kept."""
    if not SSHD.exists() or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        raise LabError("the lab's sshd needs Debian's OpenSSH (apt-get install openssh-server openssh-client)")
    if os.geteuid() != 0:
        raise LabError("the lab's sshd must be started as root (it logs root in with a key)")
    folder = ssh_dir()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    _keys(folder)
    config = _config(folder)
    if _running(folder) and _answers(1.0):
        return
    _stop(folder)
    Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privilege-separation directory
    run([str(SSHD), "-t", "-f", str(config)], timeout=30)
    run([str(SSHD), "-f", str(config), "-E", str(folder / "sshd.log")], timeout=30)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if _answers(1.0):
            return
        time.sleep(0.2)
    raise LabError(f"sshd did not answer on {HOST}:{PORT} within {wait:g}s; see {folder / 'sshd.log'}")


def down() -> None:
    _stop(ssh_dir())


def _keys(folder: Path) -> None:
    for name in ("ssh_host_ed25519_key", "id_ed25519", "other_host_key"):
        if not (folder / name).exists():
            run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"opsverify-lab {name}", "-f", str(folder / name)]
            )
    client = (folder / "id_ed25519.pub").read_text().strip()
    (folder / "authorized_keys").write_text(client + "\n")
    for name, key in (("known_hosts", "ssh_host_ed25519_key"), ("known_hosts.wrong", "other_host_key")):
        kind, blob = (folder / f"{key}.pub").read_text().split()[:2]
        (folder / name).write_text(f"[{HOST}]:{PORT} {kind} {blob}\n")


def _config(folder: Path) -> Path:
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"ListenAddress {HOST}:{PORT}",
                f"HostKey {folder / 'ssh_host_ed25519_key'}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "MaxStartups 100:30:200",
                "MaxSessions 50",
                "LogLevel INFO",
                "Subsystem sftp internal-sftp",
                "",
            ]
        )
    )
    return config


def _pid(folder: Path) -> int | None:
    try:
        return int((folder / "sshd.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _running(folder: Path) -> bool:
    pid = _pid(folder)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _stop(folder: Path) -> None:
    pid = _pid(folder)
    if pid is not None and _running(folder):
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not _running(folder):
                break
            time.sleep(0.1)
    (folder / "sshd.pid").unlink(missing_ok=True)


def _answers(timeout: float) -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(8).startswith(b"SSH-")
    except OSError:
        return False
