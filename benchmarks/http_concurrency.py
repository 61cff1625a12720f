"""200 HTTP checks, 40 of them against a 127.0.0.1 socket that accepts and never answers, 2 s timeout.

Prints the wall time of the suite (probes gathered concurrently) next to the same checks run one after another
(`--concurrency 1`). Never asserts on time. Run: `.venv/bin/python benchmarks/http_concurrency.py`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.integration.core.servers import black_hole, http_server

TOTAL, DEAD, TIMEOUT = 200, 40, 2


def inventory(ok_url: str, dead_url: str) -> str:
    lines = ["version: 1", "defaults:", f"  timeout: {TIMEOUT}s", "http:"]
    for i in range(TOTAL):
        url = f"{dead_url}/health?i={i}" if i < DEAD else f"{ok_url}/ok?i={i}"
        lines += [f"  - name: svc-{i:03d}", f"    url: {url}", "    expect: {json: {status: healthy}}"]
    return "\n".join(lines) + "\n"


def run(inv: Path, out: Path, *extra: str) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "opsverify", "run", "-i", str(inv), "--report-dir", str(out), "-q", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    return time.monotonic() - started, done.returncode


def main() -> None:
    with http_server() as ok, black_hole() as dead, tempfile.TemporaryDirectory() as tmp:
        inv = Path(tmp) / "inventory.yml"
        inv.write_text(inventory(ok, dead))
        concurrent, code_c = run(inv, Path(tmp) / "c")
        sequential, code_s = run(inv, Path(tmp) / "s", "--concurrency", "1")
    checks = TOTAL * 2  # status + JSON check per endpoint, one probe each
    print(f"{TOTAL} endpoints ({checks} checks), {DEAD} hanging, timeout {TIMEOUT}s")
    print(
        f"  concurrent (default):  {concurrent:6.1f} s   (exit {code_c}; ideal ~ one timeout = {TIMEOUT}s + start-up)"
    )
    print(f"  one after another:     {sequential:6.1f} s   (exit {code_s}; ~ {DEAD} x {TIMEOUT}s)")
    print(f"  speed-up: {sequential / concurrent:.1f}x")


if __name__ == "__main__":
    main()
