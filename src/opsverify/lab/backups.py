"""The lab's backup folders: real archives with real ages, one folder per case (good and each fault).

Under ``STATE/backups``: ``good`` (nightly tar.gz + .sha256 for five days, newest 2h old), ``zip``, ``gpg``
(OpenPGP data made by gpg), ``stale`` (newest three days old), ``corrupt`` (truncated tar.gz), ``badsum`` (checksum
mismatch), ``tiny`` (newest 20 bytes), ``few`` (one backup), ``unpruned`` (a 40-day-old backup kept). ``missing``
is never created.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from .engine import LabError, run

HOUR = 3600.0
CASES = ("good", "zip", "gpg", "stale", "corrupt", "badsum", "tiny", "few", "unpruned")


def make(root: Path) -> None:
    """(Re)create every case under ``root`` with ages relative to now."""
    if root.exists():
        shutil.rmtree(root)
    now = time.time()
    _nightly(root / "good", now, ages=[2, 26, 50, 74, 98])
    _nightly(root / "stale", now, ages=[72, 96, 120])
    _nightly(root / "few", now, ages=[3])
    _nightly(root / "unpruned", now, ages=[2, 26, 50, 40 * 24])
    corrupt = _nightly(root / "corrupt", now, ages=[2, 26])
    corrupt[0].write_bytes(corrupt[0].read_bytes()[:200])  # truncated mid-stream: tar cannot list it
    _checksum(corrupt[0])
    _age(corrupt[0], now - 2 * HOUR)
    badsum = _nightly(root / "badsum", now, ages=[2, 26])
    badsum[0].with_name(badsum[0].name + ".sha256").write_text(f"{'0' * 64}  {badsum[0].name}\n")
    tiny = root / "tiny"
    tiny.mkdir(parents=True)
    (tiny / "db-tiny.tar.gz").write_bytes(_targz(b"x")[:20])
    _age(tiny / "db-tiny.tar.gz", now - HOUR)
    _zip(root / "zip", now)
    _gpg(root / "gpg", now)


def _payload(stamp: float) -> bytes:
    rows = "".join(f"INSERT INTO orders VALUES ({i}, {stamp:.0f}, 'order-{i}');\n" for i in range(400))
    return f"-- dump taken at {stamp:.0f}\n{rows}".encode()


def _targz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("dump.sql")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _nightly(folder: Path, now: float, ages: list[float]) -> list[Path]:
    folder.mkdir(parents=True)
    made = []
    for hours in ages:
        stamp = now - hours * HOUR
        path = folder / f"db-{time.strftime('%Y%m%d-%H%M', time.gmtime(stamp))}.tar.gz"
        path.write_bytes(_targz(_payload(stamp)))
        _checksum(path)
        _age(path, stamp)
        made.append(path)
    return made


def _checksum(path: Path) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")


def _age(path: Path, stamp: float) -> None:
    os.utime(path, (stamp, stamp))
    side = path.with_name(path.name + ".sha256")
    if side.exists():
        os.utime(side, (stamp, stamp))


def _zip(folder: Path, now: float) -> None:
    folder.mkdir(parents=True)
    path = folder / "uploads-latest.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("uploads/readme.txt", _payload(now))
    _checksum(path)
    _age(path, now - HOUR)


def _gpg(folder: Path, now: float) -> None:
    if shutil.which("gpg") is None:
        raise LabError("the lab's encrypted backup needs gpg (apt-get install gnupg)")
    folder.mkdir(parents=True)
    plain = folder / "db.tar.gz"
    plain.write_bytes(_targz(_payload(now)))
    with tempfile.TemporaryDirectory(prefix="opsverify-gnupg-") as home:
        os.chmod(home, 0o700)
        command = ["gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback"]
        command += ["--passphrase", "opsverify-lab", "--symmetric", "-o", str(plain) + ".gpg", str(plain)]
        try:
            run(command, timeout=60)
        finally:
            subprocess.run(
                ["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True, timeout=10, check=False
            )
    plain.unlink()
    _age(folder / "db.tar.gz.gpg", now - HOUR)
