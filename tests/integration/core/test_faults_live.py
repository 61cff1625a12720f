"""Faults from the issue-13 matrix against real local targets: no false alarm from a busy machine, no probe past its
own timeout. Each target is started by the test itself on 127.0.0.1 (no lab needed)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from opsverify.adapters import docker as docker_adapter
from opsverify.inventory import ContainerEntry, HostEntry, HttpEntry, HttpExpect, Inventory
from opsverify.inventory.common import Eventually
from opsverify.inventory.containers import ContainerExec, VolumeCheck
from opsverify.kinds import Context
from opsverify.prefetch import Prefetcher
from opsverify.probes import containers, containers_depth, hosts_facts, http, http_judges
from opsverify.schema import Duration

from . import throwaway
from .servers import trickler

SLACK = 2.0  # seconds a probe may take past its own timeout (thread start, teardown)

SERVER = """
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


@pytest.fixture(scope="module")
def fast_url() -> Iterator[str]:
    """A fast endpoint in its own process, so a busy test process cannot slow the server down."""
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield f"http://127.0.0.1:{int(proc.stdout.readline())}/"
    finally:
        proc.kill()
        proc.wait(5)


def _busy(seconds: float) -> int:
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


def test_response_time_of_a_fast_endpoint_stays_under_budget_while_the_probe_pool_is_saturated(fast_url):
    entry = HttpEntry(name="fast", url=fast_url, expect=HttpExpect(max_time=Duration(0.25)))
    pool = Prefetcher(64)
    try:
        for i in range(63):  # every other worker spins in Python, holding the interpreter in turns
            pool.submit(("busy", i), lambda: _busy(4.0), budget=60)
        time.sleep(0.5)
        verdicts = [
            http_judges.response_time(entry, pool.get(("http", n), lambda: http.fetch(entry, 5.0, 1 << 20), budget=60))
            for n in range(8)
        ]
    finally:
        pool.close()
    assert all(v.ok for v in verdicts), [v.message for v in verdicts]


def test_a_server_trickling_its_headers_fails_within_the_timeout():
    entry = HttpEntry(name="slow", url="http://127.0.0.1:1/", expect=HttpExpect())
    with trickler(1.0) as url:
        entry.url = url + "/"
        started = time.monotonic()
        facts = http.gather(entry, 3.0, 1 << 20)
        took = time.monotonic() - started
    verdict = http_judges.status(entry, facts)
    assert not verdict.ok
    assert verdict.message == (
        f"slow: GET {url}/: no complete answer within 3s (still sending when the time for the whole exchange was up)"
    )
    assert took < 3.0 + SLACK


def test_exec_gets_the_output_every_time_200_runs():
    entry = ContainerEntry(name="", exec=[ContainerExec(command="echo healthy", output_match="^healthy$")])
    with throwaway.container() as name:
        entry.name = name
        failures = []
        for _ in range(200):
            verdict = containers_depth.exec_commands(entry, containers_depth.gather(entry, 5.0))
            if not verdict.ok:
                failures.append(verdict.message)
    assert not failures, f"{len(failures)} of 200: {failures[:3]}"


def test_a_plain_docker_stop_is_not_an_oom_kill():
    with throwaway.container() as name:
        throwaway.stop(name)
        entry = ContainerEntry(name=name)
        facts = containers.gather(name, 5.0)
        verdict = containers.not_oom_killed(entry, facts)
        assert verdict.ok, verdict.message
        assert verdict.message == (
            f"{name}: last exit was SIGKILL (exit code 137, OOMKilled=false; docker stop), not an OOM kill"
        )
        assert containers.running(entry, facts).message == (
            f'{name}: status is "exited" (exit code 137, docker stop), expected "running"'
        )


@pytest.fixture
def silent_engine(tmp_path, monkeypatch) -> Iterator[str]:
    """DOCKER_HOST pointing at a socket that accepts every connection and never answers."""
    path = tmp_path / "docker.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    monkeypatch.setattr(docker_adapter, "_clients", {})
    try:
        yield str(path)
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


@pytest.mark.parametrize("probe", ["container", "container in depth", "docker:// host"])
def test_a_docker_engine_that_never_answers_costs_one_timeout(silent_engine, probe):
    timeout = 3.0
    entry = ContainerEntry(name="web", exec=[ContainerExec(command="true")])
    started = time.monotonic()
    if probe == "container":
        error = containers.gather("web", timeout).error
    elif probe == "container in depth":
        error = containers_depth.gather(entry, timeout).base.error
    else:
        error = hosts_facts.gather(HostEntry(name="h", spec="docker://web", ports=[22]), timeout).error
    took = time.monotonic() - started
    assert error is not None
    assert took < timeout + SLACK, f"{probe}: {took:.1f}s for a {timeout:g}s timeout ({error})"


def test_a_container_still_starting_after_a_deploy_passes_once_healthy_with_eventually():
    options = ("--health-cmd", "test -f /ready", "--health-interval", "1s", "--health-start-period", "30s")
    with throwaway.container("sh", "-c", "sleep 3; touch /ready; exec sleep 600", options=options) as name:
        entry = ContainerEntry(name=name, eventually=Eventually(within=Duration(30), interval=Duration(1)))
        started = time.monotonic()
        facts = containers.KIND.gather(entry, Context(Inventory()))
        took = time.monotonic() - started
        verdict = containers.healthy(entry, facts)
    assert verdict.ok, verdict.message
    assert facts.attempts > 1, verdict.message
    assert f"(eventually: passed on attempt {facts.attempts}, " in verdict.message
    assert took < 30 + SLACK


def test_named_volumes_exist_are_mounted_and_stay_within_budget():
    volume = f"opsverify-t13-vol-{time.monotonic_ns() % 10**9}"
    subprocess.run(["docker", "volume", "create", volume], check=True, capture_output=True, timeout=30)
    try:
        with throwaway.container(
            "sh", "-c", "dd if=/dev/zero of=/data/blob bs=1024 count=2048 2>/dev/null; exec sleep 600",
            options=("-v", f"{volume}:/data"),
        ) as name:  # fmt: skip
            time.sleep(1)
            entry = ContainerEntry(
                name=name, volumes=[VolumeCheck(name=volume, max_size="1MiB"), VolumeCheck(name=f"{volume}-nope")]
            )
            verdict = containers_depth.volumes(entry, containers_depth.gather(entry, 10.0))
            assert verdict.message == (
                f"{name}: volume {volume} holds 2.0 MiB, expected <= 1.0 MiB; "
                f"volume {volume}-nope does not exist (docker volume ls shows no such name)"
            )
            entry.volumes = [VolumeCheck(name=volume, max_size="10MiB")]
            assert containers_depth.volumes(entry, containers_depth.gather(entry, 10.0)).ok
    finally:
        subprocess.run(["docker", "volume", "rm", "-f", volume], capture_output=True, timeout=30)


def test_a_prometheus_api_trickling_its_headers_fails_within_the_timeout():
    from opsverify.inventory.prometheus import PrometheusEntry
    from opsverify.probes import prometheus

    with trickler(1.0) as url:
        entry = PrometheusEntry(name="prom", url=url)
        started = time.monotonic()
        facts = prometheus.gather(entry, 2.0)
        took = time.monotonic() - started
    assert prometheus.healthy(entry, facts).message == (
        f"prom: {url}: no complete answer within 2s (still sending when the time for the whole exchange was up)"
    )
    assert took < 2.0 + SLACK


def test_reaches_resolves_names_as_the_container_sees_them():
    listen = "while true; do nc -l -p 6379 </dev/null; done & exec sleep 600"
    options = ("--add-host", "calendar-redis:127.0.0.1")  # a name only the container's /etc/hosts knows
    with throwaway.container("sh", "-c", listen, options=options) as name:
        time.sleep(1)
        entry = ContainerEntry(name=name, reaches=["calendar-redis:6379", "calendar-redis:6380", "nosuch.invalid:1"])
        verdict = containers_depth.reaches(entry, containers_depth.gather(entry, 5.0))
    assert not verdict.ok
    assert "calendar-redis:6379" not in verdict.message, verdict.message  # reached: the container resolved it
    assert "cannot connect to calendar-redis:6380 from inside" in verdict.message
    assert "cannot connect to nosuch.invalid:1 from inside" in verdict.message
