"""A throwaway Alertmanager (Debian's binary) on 127.0.0.1 with a webhook sink that records what it is sent."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

BINARY = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
TIMEOUT = 5.0
TELEGRAM_OK = {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}, "text": ""}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sink:
    """What Alertmanager sent: webhook bodies (``bodies``) and every request as (path, decoded body) (``requests``)."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def notified(self) -> dict[str, set[tuple[tuple[str, str], ...]]]:
        """receiver -> label sets (sorted tuples) it was notified about."""
        out: dict[str, set[tuple[tuple[str, str], ...]]] = {}
        with self.lock:
            for body in self.bodies:
                for alert in body["alerts"]:
                    out.setdefault(body["receiver"], set()).add(tuple(sorted(alert["labels"].items())))
        return out


@contextmanager
def webhook_sink() -> Iterator[tuple[str, Sink]]:
    sink = Sink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw) if raw.strip().startswith(b"{") else raw.decode()
            with sink.lock:
                sink.requests.append((self.path, body))
                if self.path.startswith("/hook"):
                    sink.bodies.append(body)
            answer = json.dumps(TELEGRAM_OK if "/sendMessage" in self.path else {"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", sink
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def alertmanager(config: Path, storage: Path) -> Iterator[str]:
    """Run Alertmanager on a free port (no clustering); yield its base URL (also its external URL); stop it.

    A port taken between choosing and binding it (other test runs share the machine) means another try.
    """
    for attempt in range(3):
        port = free_port()
        proc, log = _start(config, storage, port)
        try:
            _wait_ready(f"http://127.0.0.1:{port}", proc, storage)
        except _PortTaken:
            _stop(proc, log)
            if attempt == 2:
                raise
            continue
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc, log)
        return


class _PortTaken(RuntimeError):
    pass


def _start(config: Path, storage: Path, port: int) -> tuple[subprocess.Popen[bytes], Any]:
    log = (storage / "alertmanager.log").open("w")
    args = [
        BINARY,
        f"--config.file={config}",
        f"--storage.path={storage}",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--web.external-url=http://127.0.0.1:{port}",
        "--cluster.listen-address=",
        "--log.level=warn",
    ]
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT), log


def _stop(proc: subprocess.Popen[bytes], log: Any) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    log.close()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], storage: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = (storage / "alertmanager.log").read_text()[-2000:]
            raise (_PortTaken if "address already in use" in text else RuntimeError)(f"alertmanager exited: {text}")
        try:
            if httpx.get(f"{url}/-/ready", timeout=TIMEOUT).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("alertmanager did not become ready in 30s")


def post_alerts(
    url: str, alerts: list[dict[str, str]], ends_in: dt.timedelta, annotations: list[dict[str, str]] | None = None
) -> None:
    now = dt.datetime.now(dt.UTC)
    # Firing alerts start now: an alert older than group_wait makes Alertmanager flush its new group at once, before
    # the rest of the batch (and its inhibition sources) arrived. Resolving ones started a minute ago.
    start = now if ends_in > dt.timedelta(0) else now - dt.timedelta(minutes=1)
    start, end = start.isoformat(), (now + ends_in).isoformat()
    notes = annotations or [{} for _ in alerts]
    body = [
        {"labels": lb, "annotations": an, "startsAt": start, "endsAt": end}
        for lb, an in zip(alerts, notes, strict=True)
    ]
    httpx.post(f"{url}/api/v2/alerts", json=body, timeout=TIMEOUT).raise_for_status()


def get_alerts(url: str) -> list[dict[str, Any]]:
    resp = httpx.get(f"{url}/api/v2/alerts", timeout=TIMEOUT)
    resp.raise_for_status()
    return list(resp.json())


@contextmanager
def smtp_sink() -> Iterator[tuple[str, list[bytes]]]:
    """A minimal SMTP server on 127.0.0.1 (no TLS, no auth) keeping each message's DATA."""
    import socketserver

    messages: list[bytes] = []

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, text: str) -> None:
            self.wfile.write(text.encode() + b"\r\n")

        def handle(self) -> None:
            self.reply("220 sink ESMTP")
            while line := self.rfile.readline():
                verb = line.strip().split(b" ", 1)[0].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.reply("250 sink")
                elif verb == b"DATA":
                    self.reply("354 go ahead")
                    messages.append(self._data())
                    self.reply("250 queued")
                elif verb == b"QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 ok")

        def _data(self) -> bytes:
            chunks = []
            while (line := self.rfile.readline()) not in (b".\r\n", b""):
                chunks.append(line[1:] if line.startswith(b"..") else line)
            return b"".join(chunks)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", messages
    finally:
        server.shutdown()
        server.server_close()


def get_groups(url: str) -> list[dict[str, Any]]:
    resp = httpx.get(f"{url}/api/v2/alerts/groups", timeout=TIMEOUT)
    resp.raise_for_status()
    return list(resp.json())
