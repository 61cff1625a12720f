"""The lab's compose stack: build its images FROM scratch (busybox + Debian binaries), bring it up and down."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ..paths import lab_dir
from ..probes import containers
from .engine import LabError, run

PROJECT = "opsverify-lab"
HASH_LABEL = "opsverify.lab.hash"
BUILD_ENV = {"DOCKER_BUILDKIT": "0"}  # the legacy builder needs nothing from outside
# container -> state it must reach before the lab counts as up
SETTLED = {
    "lab-api": "healthy",
    "lab-redis": "healthy",
    "lab-api-unhealthy": "unhealthy",
    "lab-oom": "exited",
    "lab-stopped": "exited",
}


def compose_file() -> Path:
    return lab_dir() / "docker-compose.yml"


def compose(*args: str, timeout: float = 300) -> str:
    return run(["docker-compose", "-p", PROJECT, "-f", str(compose_file()), *args], timeout=timeout)


def build_images() -> list[str]:
    """Build the three lab images unless an image with the same content hash exists; returns what was built."""
    built = []
    with tempfile.TemporaryDirectory(prefix="opsverify-lab-") as tmp:
        contexts = {
            "opsverify-lab/base:1.0": _base_context(Path(tmp) / "base"),
            "opsverify-lab/api:1.0": lab_dir() / "images" / "api",
            "opsverify-lab/redis:1.0": _redis_context(Path(tmp) / "redis"),
        }
        for tag, context in contexts.items():
            digest = _hash_tree(context)
            if _image_label(tag) == digest:
                continue
            run(["docker", "build", "-q", "--label", f"{HASH_LABEL}={digest}", "-t", tag, str(context)], env=BUILD_ENV)
            built.append(tag)
    return built


def _base_context(dest: Path) -> Path:
    shutil.copytree(lab_dir() / "images" / "base", dest)
    busybox = Path("/bin/busybox")
    if not busybox.exists() or b"statically linked" not in _file_type(busybox):
        raise LabError("the lab needs Debian's static busybox at /bin/busybox (apt-get install busybox-static)")
    shutil.copy2(busybox, dest / "busybox")
    return dest


def _redis_context(dest: Path) -> Path:
    shutil.copytree(lab_dir() / "images" / "redis", dest)
    rootfs = dest / "rootfs"
    for binary in ("redis-server", "redis-cli"):
        path = shutil.which(binary)
        if path is None:
            raise LabError(f"the lab's redis image needs {binary} from Debian (apt-get install redis-server)")
        _copy_with_libraries(Path(path).resolve(), rootfs, Path("/usr/bin") / binary)
    return dest


def _copy_with_libraries(binary: Path, rootfs: Path, target: Path) -> None:
    (rootfs / target.relative_to("/")).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, rootfs / target.relative_to("/"))
    for line in run(["ldd", str(binary)]).splitlines():
        parts = [p for p in line.split() if p.startswith("/")]
        for lib in parts[:1]:
            dest = rootfs / lib.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(lib).resolve(), dest)


def _file_type(path: Path) -> bytes:
    try:
        return subprocess.run(["file", "-L", str(path)], capture_output=True, timeout=10, check=False).stdout
    except FileNotFoundError:  # no `file` command: trust ldd instead
        probe = subprocess.run(["ldd", str(path)], capture_output=True, timeout=10, check=False)
        return b"statically linked" if probe.returncode != 0 else b"dynamic"


def _hash_tree(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _image_label(tag: str) -> str | None:
    try:
        out = run(
            ["docker", "image", "inspect", "-f", f'{{{{ index .Config.Labels "{HASH_LABEL}" }}}}', tag], timeout=30
        )
    except LabError:
        return None
    return out.strip() or None


def up(wait: float = 90.0) -> None:
    build_images()
    compose("up", "-d", "--remove-orphans", "--force-recreate")
    wait_settled(wait)


def wait_settled(wait: float) -> None:
    deadline = time.monotonic() + wait
    pending = dict(SETTLED)
    while pending and time.monotonic() < deadline:
        for name, state in list(pending.items()):
            facts = containers.gather(name, 5.0)
            if state in (facts.health, facts.status):
                del pending[name]
        if pending:
            time.sleep(0.5)
    if pending:
        raise LabError(f"lab did not settle within {wait:g}s: waiting for {pending}")


def down() -> None:
    compose("down", "--remove-orphans", "-t", "2")


def status() -> list[str]:
    lines = []
    for name in [*SETTLED, "lab-crashloop"]:
        f = containers.gather(name, 5.0)
        lines.append(f"{name:20} {f.status or 'absent':10} {f.health or '-':10} restarts={f.restart_count}")
    return lines
