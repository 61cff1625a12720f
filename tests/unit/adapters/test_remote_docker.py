"""The docker CLI over a host's session: output parsed as the SDK's, errors mapped to the same exceptions."""

from __future__ import annotations

import json

import pytest

from opsverify.adapters.docker import DockerUnavailable, NotFound
from opsverify.adapters.host import Result
from opsverify.adapters.remote_docker import RemoteDocker, parse_size


class Scripted:
    """A Runner answering from a table: command prefix -> Result."""

    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    def run(self, command):
        self.sent.append(command)
        for prefix, result in self.answers.items():
            if command.startswith(prefix):
                return result
        raise AssertionError(f"unexpected command {command}")

    def output(self, command):
        return self.run(command).stdout


def test_inspect_returns_the_apis_json():
    attrs = {"State": {"Status": "running"}, "Config": {"Env": ["A=1"]}}
    docker = RemoteDocker(Scripted({"docker inspect": Result(0, json.dumps([attrs]), "")}), "web1")
    assert docker.inspect("calendar-redis", "container calendar-redis on web1") == attrs


@pytest.mark.parametrize(
    ("result", "error", "message"),
    [
        (Result(1, "[]", "Error response from daemon: No such container: x"), NotFound, "x on web1: not found"),
        (Result(127, "", "sh: 1: docker: not found"), DockerUnavailable, "the docker CLI is not installed on web1"),
        (
            Result(
                1,
                "",
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
            ),
            DockerUnavailable,
            "cannot reach the Docker engine on web1 (is the engine running?)",
        ),
        (Result(124, "", "", timed_out=True), DockerUnavailable, "Docker engine on web1 did not answer in time"),
        (Result(1, "", "permission denied while trying to connect"), DockerUnavailable, "(permission denied)"),
    ],
)
def test_cli_errors_become_the_same_one_line_exceptions(result, error, message):
    docker = RemoteDocker(Scripted({"docker inspect": result}), "web1")
    with pytest.raises(error) as caught:
        docker.inspect("x", "container x on web1")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_ps_stats_logs_and_exec():
    runner = Scripted(
        {
            "docker ps": Result(
                0,
                "shop-app\trunning\tUp 2 minutes (healthy)\tapp\nshop-w\texited\tExited (3) 1 minute ago\tworker\n",
                "",
            ),
            "docker stats": Result(0, "3.852MiB / 64MiB\n", ""),
            "docker logs": Result(0, "a\nERROR b\n", ""),
            "docker exec": Result(3, "PONG\n", ""),
        }
    )
    docker = RemoteDocker(runner, "web1")
    assert [(p.name, p.state, p.service) for p in docker.ps("com.docker.compose.project=shop", "w")] == [
        ("shop-app", "running", "app"),
        ("shop-w", "exited", "worker"),
    ]
    assert docker.memory("app", "w") == (int(3.852 * 1024**2), 64 * 1024**2)
    assert docker.logs("app", 86400, 100, "w") == "a\nERROR b\n"
    assert "--since 86400s --tail 100 app 2>&1" in runner.sent[2]
    assert docker.exec("app", ["/bin/sh", "-c", "redis-cli ping"]).rc == 3
    assert runner.sent[3] == "docker exec app /bin/sh -c 'redis-cli ping' 2>&1"


@pytest.mark.parametrize(("text", "size"), [("0B", 0), ("512kB", 512000), ("1.5GiB", 1610612736), ("64MiB", 67108864)])
def test_sizes_as_docker_stats_prints_them(text, size):
    assert parse_size(text) == size
