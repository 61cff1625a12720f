"""The lab's readiness targets on this machine: sshd, env files, log files, backups, a cron user and /etc/cron.d.

Everything is under ``STATE`` (``/tmp/opsverify-lab``) except the cron pieces, which must live where cron reads
them: the crontab of the system user ``opsverify-lab`` and ``/etc/cron.d/opsverify-lab``. ``down()`` removes them.
Their commands are harmless (``/bin/true``) should a cron daemon run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

from ..paths import lab_dir
from ..probes import containers
from . import backups, sshd
from .engine import LabError, run

PROJECT = "opsverify-lab-readiness"
CRON_USER = "opsverify-lab"
CRON_D = Path("/etc/cron.d/opsverify-lab")
LATEST_IMAGE = "opsverify-lab/base:latest"  # the unpinned image of the lab-sloppy fault
STORM_TOKEN = "lab-storm-token-5f1d9c"  # a secret the error storm leaks into its log lines


def state_dir() -> Path:
    return sshd.state_dir()


def compose_file() -> Path:
    return lab_dir() / "readiness" / "docker-compose.yml"


def up(wait: float = 30.0) -> None:
    """After the main stack: the fault containers (their own compose project), then the files, cron and sshd."""
    run(["docker", "tag", "opsverify-lab/base:1.0", LATEST_IMAGE], timeout=60)
    compose("up", "-d", "--remove-orphans", "--force-recreate")
    root = state_dir()
    root.mkdir(parents=True, exist_ok=True)
    _env_files(root / "app")
    _logs(root / "logs")
    backups.make(root / "backups")
    _cron()
    sshd.up()
    _wait_running(("lab-sloppy", "lab-hog"), wait)


def compose(*args: str) -> str:
    return run(["docker-compose", "-p", PROJECT, "-f", str(compose_file()), *args], timeout=300)


def _wait_running(names: tuple[str, ...], wait: float) -> None:
    deadline = time.monotonic() + wait
    while any(containers.gather(n, 5.0).status != "running" for n in names):
        if time.monotonic() > deadline:
            raise LabError(f"{', '.join(names)} did not start within {wait:g}s (docker logs shows why)")
        time.sleep(0.5)
    time.sleep(1.0)  # the hog fills its tmpfs and the sloppy worker logs its storm right after start


def down() -> None:
    sshd.down()
    with contextlib.suppress(LabError):
        compose("down", "--remove-orphans", "-t", "2")
    CRON_D.unlink(missing_ok=True)
    if shutil.which("crontab"):
        with contextlib.suppress(LabError):  # no such user or no crontab: nothing to remove
            run(["crontab", "-r", "-u", CRON_USER], timeout=30)


def _env_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    good = "APP_ENV=production\nDB_PASSWORD=Vq8-lab-db-3kz9\nAPI_TOKEN=lab-api-token-7c2e41\nADMIN_USER=ops\n"
    example = "APP_ENV=production\nDB_PASSWORD=changeme\nAPI_TOKEN=your-token-here\nADMIN_USER=admin\n"
    bad = "APP_ENV=production\nDB_PASSWORD=changeme\nAPI_TOKEN=your-token-here\nADMIN_USER=\n# SECRET_KEY unset\n"
    for name, text, mode in ((".env", good, 0o600), (".env.example", example, 0o644), (".env.bad", bad, 0o644)):
        (folder / name).write_text(text)
        (folder / name).chmod(mode)
    (folder / ".env.bad.example").write_text(example)


def _logs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()

    def stamp(hours_ago: float) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - hours_ago * 3600))

    calm = [f"{stamp(48)} ERROR disk full on /var (resolved)", f"{stamp(47)} INFO recovered"]
    calm += [f"{stamp(h / 10)} INFO request served in 12ms" for h in range(200, 0, -1)]
    storm = [f"{stamp(30)} INFO started"]
    storm += [f"{stamp(5 - i / 10)} ERROR payment upstream refused token={STORM_TOKEN} try={i}" for i in range(40)]
    (folder / "app.log").write_text("\n".join(calm) + "\n")
    (folder / "storm.log").write_text("\n".join(storm) + "\n")


def _cron() -> None:
    for tool in ("crontab", "useradd"):
        if shutil.which(tool) is None:
            raise LabError(f"the lab's cron fixtures need {tool} (apt-get install cron passwd)")
    try:
        run(["id", "-u", CRON_USER], timeout=10)
    except LabError:
        run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", CRON_USER], timeout=30)
    table = state_dir() / "crontab.txt"
    table.write_text("# opsverify lab: the nightly backup\n30 2 * * * /bin/true nightly-backup.sh --to /backups\n")
    run(["crontab", "-u", CRON_USER, str(table)], timeout=30)
    CRON_D.write_text("# opsverify lab\nSHELL=/bin/sh\n15 4 * * 0 root /bin/true logrotate-weekly\n")
    os.chmod(CRON_D, 0o644)
