"""The docker adapter's exec on a fake engine: the multiplexed stream read whole, exit codes, the retry."""

from __future__ import annotations

import io
import struct

import pytest

from opsverify.adapters import docker


def frame(stream: int, data: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(data)) + data


class FakeResponse:
    status_code = 101

    def __init__(self, body: bytes) -> None:
        self.raw = io.BytesIO(body)

    def close(self) -> None:
        pass


class FakeApi:
    base_url = "http+docker://localhost"
    api_version = "1.41"

    def __init__(self, bodies: list[bytes], inspects: list[dict]) -> None:
        self.bodies, self.inspects, self.created = bodies, inspects, 0

    def exec_create(self, name, argv, **kwargs):
        self.created += 1
        return {"Id": f"e{self.created}"}

    def post(self, url, **kwargs):
        return FakeResponse(self.bodies.pop(0))

    def exec_inspect(self, exec_id):
        return self.inspects.pop(0) if len(self.inspects) > 1 else self.inspects[0]


@pytest.fixture
def engine(monkeypatch):
    def install(bodies, inspects):
        api = FakeApi(bodies, inspects)
        monkeypatch.setattr(docker, "client", lambda timeout, pool=64: type("C", (), {"api": api})())
        return api

    return install


def test_output_is_every_frame_in_order(engine):
    engine([frame(1, b"heal") + frame(2, b"warn\n") + frame(1, b"thy\n")], [{"Running": False, "ExitCode": 0}])
    assert docker.exec_run("c", ["x"], 2.0) == docker.ExecOutput(0, b"healwarn\nthy\n")


def test_exit_code_waits_for_the_engine_to_see_the_end(engine):
    running = {"Running": True, "ExitCode": None}
    engine([frame(1, b"ok\n")], [running, running, {"Running": False, "ExitCode": 3}])
    assert docker.exec_run("c", ["x"], 2.0).exit_code == 3


def test_empty_output_with_no_exit_code_is_tried_again(engine, monkeypatch):
    monkeypatch.setattr(docker, "EXIT_GRACE", 0.05)
    api = engine([b"", frame(1, b"healthy\n")], [])
    api.exec_inspect = lambda exec_id: (
        {"Running": True, "ExitCode": None} if exec_id == "e1" else {"Running": False, "ExitCode": 0}
    )
    result = docker.exec_run("c", ["x"], 5.0)
    assert (result.output, result.exit_code, result.attempts) == (b"healthy\n", 0, 2)


def test_empty_output_with_an_exit_code_is_an_answer(engine):
    api = engine([b""], [{"Running": False, "ExitCode": 0}])
    assert docker.exec_run("c", ["true"], 2.0) == docker.ExecOutput(0, b"")
    assert api.created == 1
