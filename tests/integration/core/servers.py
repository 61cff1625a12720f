"""Small hostile and broken HTTP servers on 127.0.0.1 for tests and benchmarks (each stops when closed)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/slow": (200, "application/json", b'{"status": "healthy"}'),
    "/ok": (200, "application/json", b'{"status": "healthy", "version": "2.0.1"}'),
    "/html": (200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>"),
    "/notjson": (200, "text/plain", b"OK"),
    "/huge": (200, "application/json", b'{"data": "' + b"x" * (10 * 1024 * 1024) + b'"}'),
    "/error": (503, "application/json", b'{"status": "unavailable"}'),
    "/binary": (200, "application/octet-stream", bytes(range(256)) * 4),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/slow"):  # answers after 0.3 s: a response-time budget of 0.1 s is exceeded
            time.sleep(0.3)
        status, ctype, body = ROUTES.get(self.path.split("?")[0], (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def http_server() -> Iterator[str]:
    """A threaded server answering ROUTES; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def black_hole() -> Iterator[str]:
    """A socket that accepts every connection and never answers; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        sock.close()


@contextmanager
def trickler(delay: float = 1.0) -> Iterator[str]:
    """A server that sends a valid response one byte every ``delay`` seconds (the status line and headers too)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    stop = threading.Event()
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

    def serve(conn: socket.socket) -> None:
        with conn:
            for i in range(len(response)):
                if stop.wait(delay):
                    return
                try:
                    conn.sendall(response[i : i + 1])
                except OSError:
                    return

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn = sock.accept()[0]
            except OSError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        sock.close()
