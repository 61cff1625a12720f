"""opsverify's own overhead vs the floor: the same HTTP probes on a plain thread pool.

For N passing HTTP entries against a local server (a separate process on 127.0.0.1), prints the wall time of
`opsverify run` (the whole command: start, inventory, collection, probes, checks, HTML + JUnit reports) next to the
floor: the same probes (`opsverify.probes.http.gather`) on a plain thread pool, in-process, with 64 threads (the
floor the issue measured against, and opsverify's default concurrency) and with 8 (the fastest pool size here, for
reference), plus bare pytest (1000 trivial parametrized tests with the same HTML + JUnit reports) to show what
pytest itself costs; and `opsverify inventory check` on 5000 entries. The ratio is against the 64-thread floor. Each measurement runs ``--repeat`` times (default 3), interleaved, and
the median is shown: this machine's speed drifts by tens of percent from one minute to the next.

The commands run as an installed tool runs: with Python's bytecode cache (pip compiles it at install, and pytest
caches its assertion rewrite of the suite beside it on the first run), so ``PYTHONDONTWRITEBYTECODE`` is dropped
from their environment and one untimed run warms the caches first; without them every run compiles the suite and
opsverify's modules from source again (about 1 s at 5000 entries here). Run:
`.venv/bin/python benchmarks/overhead.py [--sizes 10,1000,5000]`.
Last line: `overhead: 1000 entries R1 x floor; 5000 entries R2 x floor; inventory check 5000 entries T s`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b'{"status": "healthy"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass

ThreadingHTTPServer.request_queue_size = 1024
httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"""

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode cached


def inventory(folder: Path, port: int, n: int) -> Path:
    path = folder / f"inv-{n}.yml"
    lines = ["version: 1", "http:"]
    lines += [f"  - {{name: svc-{i}, url: 'http://127.0.0.1:{port}/health/{i}'}}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def floor(path: Path, threads: int) -> float:
    from opsverify.inventory import load_inventory
    from opsverify.probes import http

    entries = load_inventory(path).http
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        facts = list(pool.map(lambda e: http.gather(e, 5.0, 1_048_576), entries))
    elapsed = time.perf_counter() - started
    assert all(f.status == 200 for f in facts), [f.error for f in facts if f.status != 200][:3]
    return elapsed


def ours(path: Path, folder: Path) -> float:
    """One whole `opsverify run`, from ``folder`` (fresh for each run: no history yet, as in a CI job)."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "opsverify"), "run", "-i", str(path), "--report-dir", str(folder / "reports"), "-q"],
        capture_output=True,
        text=True,
        cwd=folder,
        env=ENV,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"opsverify run failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    expected = f"{int(path.stem.split('-')[1])} passed"
    if not re.search(rf"\b{expected}\b", done.stdout):  # exactly the inventory's checks ran, nothing else
        raise SystemExit(f"opsverify run: expected {expected!r}:\n{done.stdout[-1000:]}")
    return elapsed


def bare_pytest(folder: Path, n: int) -> float:
    folder = folder / "bare"  # not beside the inventories: opsverify run collects test_*.py found there
    folder.mkdir(exist_ok=True)
    test = folder / f"test_bare_{n}.py"
    test.write_text(f"import pytest\n\n@pytest.mark.parametrize('i', range({n}))\ndef test_x(i):\n    assert i >= 0\n")
    started = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "pytest"),
            "-q",
            "-p",
            "no:cacheprovider",
            "--capture=sys",
            f"--html={folder / 'b.html'}",
            "--self-contained-html",
            f"--junitxml={folder / 'b.xml'}",
            str(test),
        ],
        capture_output=True,
        cwd=folder,
        env=ENV,
    )
    return time.perf_counter() - started


def check_time(path: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "opsverify"), "inventory", "check", "-i", str(path)], capture_output=True, env=ENV)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


SPIN = "import time\nt = time.perf_counter()\nfor i in range(3_000_000): pass\nprint(time.perf_counter() - t)"


def cores_now() -> float:
    """How many cores' worth of work this machine does right now: two busy processes against one. Its two vCPUs
    deliver between ~1.1 and 2 at different minutes; opsverify runs its probes beside pytest, the floor does not."""
    one = float(subprocess.run([sys.executable, "-c", SPIN], capture_output=True, text=True).stdout)
    procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    two = max(float(p.communicate()[0]) for p in procs)
    return 2 * one / two


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,5000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is shown")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        ratios: dict[int, float] = {}
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            head = f"{'entries':>8} {'opsverify run':>14} {'floor 64 thr':>13} {'floor 8 thr':>12} {'bare pytest':>12} {'ratio':>6}"
            print(f"cores available now: {cores_now():.1f} of {os.cpu_count()}")
            print(head)
            ours(inventory(folder, port, 10), folder)  # untimed: writes the bytecode caches, as a first run does
            bare_pytest(folder, 10)
            for n in sizes:
                path = inventory(folder, port, n)
                runs = [  # interleaved, so that a noisy minute weighs on every column alike
                    (floor(path, 64), floor(path, 8), ours(path, folder / f"run-{n}-{i}"), bare_pytest(folder, n))
                    for i in range(options.repeat)
                ]
                base, fast, mine, bare = (statistics.median(column) for column in zip(*runs, strict=True))
                ratios[n] = mine / base
                print(f"{n:>8} {mine:>13.2f}s {base:>12.2f}s {fast:>11.2f}s {bare:>11.2f}s {ratios[n]:>5.2f}x")
            check = check_time(inventory(folder, port, 5000))
        print(f"opsverify inventory check, 5000 entries: {check:.2f}s (whole command)")
        print(f"cores available now: {cores_now():.1f} of {os.cpu_count()}")
        r1, r2 = ratios.get(1000, float("nan")), ratios.get(5000, float("nan"))
        print(
            f"overhead: 1000 entries {r1:.2f} x floor; 5000 entries {r2:.2f} x floor; inventory check 5000 entries {check:.2f} s"
        )
    finally:
        server.kill()


if __name__ == "__main__":
    main()
