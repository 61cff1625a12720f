"""The lab's monitoring stack as host processes on 127.0.0.1: Debian's Prometheus and Alertmanager (a healthy one
and a faulty one), and the Grafana stand-in (healthy and faulty). Configs are in ``fixtures/lab/monitoring``;
data, logs and pid files in ``$OPSVERIFY_LAB_STATE/monitoring`` (default ``/tmp/opsverify-lab/monitoring``).

``up()`` does nothing when the same configuration already runs; otherwise it restarts every service from a clean
data dir, waits until each answers, stages the faults that live in a server's state (silences on the faulty
Alertmanager) and waits for Prometheus' first scrapes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..paths import lab_dir
from .engine import LabError

PROMETHEUS_URL = "http://127.0.0.1:19090"
ALERTMANAGER_URL = "http://127.0.0.1:19093"
ALERTMANAGER_FAULTY_URL = "http://127.0.0.1:19094"


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    port: int
    ready_path: str
    package: str  # what to install when the program is missing

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def state_dir() -> Path:
    """``$OPSVERIFY_LAB_STATE/monitoring``: beside the rest of the lab's state (sshd, backups, ...)."""
    return Path(os.environ.get("OPSVERIFY_LAB_STATE", "/tmp/opsverify-lab")) / "monitoring"


def config_dir() -> Path:
    return lab_dir() / "monitoring"


def services() -> list[Service]:
    return [
        _prometheus(),
        _alertmanager("lab-alertmanager", "alertmanager.yml", 19093),
        _alertmanager("lab-alertmanager-faulty", "alertmanager-faulty.yml", 19094),
        _grafana("lab-grafana", "grafana-standin.json", 13000),
        _grafana("lab-grafana-faulty", "grafana-standin-faulty.json", 13001),
    ]


def _prometheus() -> Service:
    argv = [
        "/usr/bin/prometheus",
        f"--config.file={config_dir() / 'prometheus.yml'}",
        "--web.listen-address=127.0.0.1:19090",
        f"--storage.tsdb.path={state_dir() / 'prometheus-data'}",
        "--storage.tsdb.retention.time=15d",
    ]
    return Service("lab-prometheus", argv, 19090, "/-/ready", "prometheus")


def _alertmanager(name: str, config: str, port: int) -> Service:
    argv = [
        "/usr/bin/prometheus-alertmanager",
        f"--config.file={config_dir() / config}",
        f"--storage.path={state_dir() / (name + '-data')}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",  # no clustering, no gossip
    ]
    return Service(name, argv, port, "/-/ready", "prometheus-alertmanager")


def _grafana(name: str, config: str, port: int) -> Service:
    argv = [sys.executable, "-m", "opsverify.lab.grafana_standin", "--port", str(port)]  # the venv python, as is
    return Service(name, [*argv, "--config", str(config_dir() / config)], port, "/api/health", "python3")


def up(wait: float = 60.0) -> None:
    """Start the stack, or leave it be when it already runs this very configuration (test sessions call this)."""
    state_dir().mkdir(parents=True, exist_ok=True)
    with _locked():
        fingerprint = _fingerprint()
        stamp = state_dir() / "fingerprint"
        current = stamp.exists() and stamp.read_text() == fingerprint
        if current and all(_running_pid(s) and _get(s.url + s.ready_path) is not None for s in services()):
            return
        stamp.unlink(missing_ok=True)
        for service in services():
            _stop(service)
            _start(service)
        deadline = time.monotonic() + wait
        for service in services():
            _wait_ready(service, deadline)
        stage_silences(ALERTMANAGER_FAULTY_URL)
        _wait_first_scrapes(deadline)
        stamp.write_text(fingerprint)


def down() -> None:
    with _locked():
        for service in services():
            _stop(service)
        (state_dir() / "fingerprint").unlink(missing_ok=True)


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """One lab start/stop at a time on this machine (several test sessions may share it)."""
    state_dir().mkdir(parents=True, exist_ok=True)
    with (state_dir() / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for service in services():
        digest.update("\0".join(service.argv).encode())
    for path in sorted(config_dir().rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def status() -> list[str]:
    lines = []
    for s in services():
        pid = _running_pid(s)
        answer = "answers" if _get(s.url + s.ready_path) is not None else "no answer"
        lines.append(f"{s.name:24} {'pid ' + str(pid) if pid else 'stopped':10} 127.0.0.1:{s.port} {answer}")
    return lines


def _pidfile(service: Service) -> Path:
    return state_dir() / f"{service.name}.pid"


def _running_pid(service: Service) -> int | None:
    """The process running exactly this service's command line: the one in our pid file, else found in /proc
    (a pid file can be lost when two sessions raced on an older lab)."""
    try:
        candidates = [int(_pidfile(service).read_text().strip())]
    except (OSError, ValueError):
        candidates = []
    candidates += [int(d.name) for d in Path("/proc").iterdir() if d.name.isdigit()]
    wanted = [a for a in service.argv if a]
    for pid in candidates:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if [a.decode(errors="replace") for a in cmdline if a] == wanted:
            return pid
    return None


def _stop(service: Service) -> None:
    pid = _running_pid(service)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                if not _alive(pid):
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
    _pidfile(service).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it when this process started it
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _start(service: Service) -> None:
    if not Path(service.argv[0]).exists():
        raise LabError(f"{service.name}: {service.argv[0]} is not installed (apt-get install {service.package})")
    if _port_busy(service.port):
        raise LabError(f"{service.name}: 127.0.0.1:{service.port} is already in use by a process the lab did not start")
    for arg in service.argv:
        if arg.startswith("--storage.") and "=" in arg:
            shutil.rmtree(arg.split("=", 1)[1], ignore_errors=True)  # every up starts from clean data
    log = (state_dir() / f"{service.name}.log").open("ab")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(service.argv, stdout=log, stderr=log, start_new_session=True, env=env)
    _pidfile(service).write_text(str(proc.pid))


def _port_busy(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_ready(service: Service, deadline: float) -> None:
    while time.monotonic() < deadline:
        if _get(service.url + service.ready_path) is not None:
            return
        if _running_pid(service) is None:
            break
        time.sleep(0.2)
    log = state_dir() / f"{service.name}.log"
    tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
    raise LabError(f"{service.name} did not become ready on 127.0.0.1:{service.port}; log {log}:\n" + "\n".join(tail))


def _get(url: str, timeout: float = 2.0) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body
    except (urllib.error.URLError, OSError):
        return None


def _wait_first_scrapes(deadline: float) -> None:
    """Until every target was scraped (lab-api up, lab-dead down) and every rule group was evaluated at least a
    second after the lab api's first scrape, so that rules see its series."""
    first_scrape = None  # fixed once seen: the latest scrape moves every interval and may always follow evaluations
    while time.monotonic() < deadline:
        targets = (_json(PROMETHEUS_URL + "/api/v1/targets?state=active") or {}).get("data", {})
        groups = (_json(PROMETHEUS_URL + "/api/v1/rules") or {}).get("data", {}).get("groups", [])
        by_job = {t["labels"]["job"]: t for t in targets.get("activeTargets", [])}
        api, dead = by_job.get("lab-api", {}), by_job.get("lab-dead", {})
        if first_scrape is None and api.get("health") == "up":
            first_scrape = str(api.get("lastScrape", ""))[:19]
        evaluated = (
            first_scrape is not None
            and bool(groups)
            and all(str(g["lastEvaluation"])[:19] > first_scrape for g in groups)
        )
        managers = (_json(PROMETHEUS_URL + "/api/v1/alertmanagers") or {}).get("data", {}).get("activeAlertmanagers")
        if api.get("health") == "up" and dead.get("health") == "down" and evaluated and managers:
            return
        time.sleep(0.5)
    raise LabError(f"lab Prometheus did not scrape its targets in time (see {state_dir() / 'lab-prometheus.log'})")


def _json(url: str) -> Any:
    body = _get(url)
    return json.loads(body) if body else None


def stage_silences(url: str) -> list[str]:
    """The faulty Alertmanager's silences: a catch-all one and an over-long one. Returns their ids."""
    now = dt.datetime.now(dt.UTC)
    staged = [
        ([{"name": "alertname", "value": ".+", "isRegex": True}], dt.timedelta(hours=2), "maintenance, mute all"),
        ([{"name": "alertname", "value": "LabApiSlow", "isRegex": False}], dt.timedelta(days=60), "known slow"),
    ]
    ids = []
    for matchers, length, comment in staged:
        silence = {
            "matchers": matchers,
            "startsAt": now.isoformat(),
            "endsAt": (now + length).isoformat(),
            "createdBy": "opsverify lab",
            "comment": comment,
        }
        request = urllib.request.Request(
            url + "/api/v2/silences", json.dumps(silence).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            ids.append(json.loads(response.read())["silenceID"])
    return ids
