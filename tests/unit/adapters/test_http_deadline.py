"""The HTTP adapter's deadline and exchange clock, on a socket pair (no network)."""

from __future__ import annotations

import socket
import threading

from opsverify.adapters.http import Deadline, ExchangeClock


class Stream:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str) -> object:
        return self.sock if name == "socket" else None


def test_the_deadline_shuts_a_blocked_read_down():
    ours, theirs = socket.socketpair()
    try:
        with Deadline(0.05) as deadline:
            deadline.trace("connection.connect_tcp.complete", {"return_value": Stream(ours)})
            done = threading.Event()
            threading.Thread(target=lambda: (ours.recv(1), done.set()), daemon=True).start()
            assert done.wait(5)  # the peer never writes: only the deadline ends the read
        assert deadline.fired
    finally:
        ours.close()
        theirs.close()


def test_a_connection_opened_after_the_deadline_is_shut_at_once():
    ours, theirs = socket.socketpair()
    try:
        deadline = Deadline(0.0)
        threading.Event().wait(Deadline.GRACE + 0.1)
        deadline.trace("connection.connect_tcp.complete", {"return_value": Stream(ours)})
        assert ours.recv(1) == b""
    finally:
        ours.close()
        theirs.close()


def test_no_deadline_fires_when_cancelled_in_time():
    with Deadline(5.0) as deadline:
        pass
    assert not deadline.fired


def test_the_exchange_clock_needs_a_tcp_socket():
    assert ExchangeClock(None).seconds() is None
    ours, theirs = socket.socketpair()
    try:
        clock = ExchangeClock(Stream(ours))
        assert clock.seconds() is None  # a Unix socket has no TCP_INFO
        clock.close()
    finally:
        ours.close()
        theirs.close()
