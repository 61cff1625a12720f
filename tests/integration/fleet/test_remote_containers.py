"""Containers, compose, container logs, exec and container env on a remote host (over its SSH session, the docker
CLI there) pass and fail exactly as the same checks do locally, with host-qualified ids and one-line failures."""

from __future__ import annotations

import re

from .conftest import hosts_yaml, run

LOCAL_VS_REMOTE = """\
version: 1
defaults: {{timeout: 5s}}
{hosts}
containers:
  - {{name: {app}, {host} memory_limit: true, max_memory_percent: 90, pinned_image: true,
     exec: [{{command: "echo PONG", output_match: PONG}}, {{command: "echo nope; exit 3"}}],
     reaches: ["127.0.0.1:{port}", "127.0.0.1:{dead}"]}}
  - {{name: {down}, {host}}}
  - {{name: {missing}, {host}}}
compose:
  - {{project: {project}, {host}}}
logs:
  - {{name: {qual}app-log, container: {app}, {host} max_matches: 0}}
  - {{name: {qual}app-log-ok, container: {app}, {host} pattern: "nothing-matches-this", max_matches: 0}}
secrets:
  - {{name: {qual}app-env, container: {app}, {host} required: [API_TOKEN, MODE]}}
  - {{name: {qual}app-env-bad, container: {app}, {host} required: [API_TOKEN, DB_PASSWORD]}}
"""


def inventory(lab, remote: bool) -> str:
    return LOCAL_VS_REMOTE.format(
        hosts=hosts_yaml(lab, ["host01"]),
        host="host: host01," if remote else "",
        qual="host01/" if remote else "",
        app=lab.container("host01", "app"),
        down=lab.container("host01", "down"),
        missing=lab.container("host01", "missing"),
        project=f"{lab.prefix}-host01-shop",
        port=lab.host("host01").port,
        dead=lab.host("host17").port,
    )


def normal(message: str) -> str:
    """A remote message as the local one reads: without the host's qualification and place, figures as N."""
    return re.sub(r"\d+(\.\d+)?", "N", message.replace("host01/", "").replace(" on host01", ""))


def test_remote_containers_pass_and_fail_exactly_as_locally(fleet_lab, tmp_path):
    (tmp_path / "local.yml").write_text(inventory(fleet_lab, remote=False))
    (tmp_path / "remote.yml").write_text(inventory(fleet_lab, remote=True))
    local_code, local, _ = run(tmp_path / "local.yml", tmp_path / "local")
    remote_code, remote, output = run(tmp_path / "remote.yml", tmp_path / "remote")
    expected = {
        name if name.startswith("test_host_") else re.sub(r"\[(.*)\]$", r"[host01/\1]", name): verdict
        for name, verdict in local.items()
    }
    assert sorted(remote) == sorted(expected), output
    for name, (outcome, message) in remote.items():
        assert (outcome, normal(message)) == (expected[name][0], normal(expected[name][1])), name
    assert remote_code == local_code == 1
    # what the fleet lab staged, as it reads in the remote run
    app, down, missing = (f"host01/{fleet_lab.container('host01', w)}" for w in ("app", "down", "missing"))
    assert remote[f"test_container_healthy[{app}]"] == ("passed", "")
    assert (
        remote[f"test_container_running[{down}]"][1] == f'{down}: status is "exited" (exit code 3), expected "running"'
    )
    assert remote[f"test_container_exists[{missing}]"][1].startswith(f"{missing}: container not found")
    assert remote[f"test_container_exec[{app}]"][1] == f"{app}: `echo nope; exit 3` exited 3, expected 0; output: nope"
    assert "cannot connect to 127.0.0.1:" in remote[f"test_container_reaches[{app}]"][1]
    assert remote[f"test_container_memory_usage[{app}]"][0] == "passed"
    assert remote[f"test_container_image_pinned[{app}]"] == ("passed", "")
    shop = f"host01/{fleet_lab.prefix}-host01-shop"
    assert remote[f"test_compose_services_running[{shop}]"][1] == (
        f"{shop}: 1 of 2 services have no running container: worker (exited (3)); expected all running"
    )
    assert "match /" in remote["test_no_error_storm[host01/app-log]"][1]
    assert "the log of container" in remote["test_no_error_storm[host01/app-log]"][1]
    assert " on host01 " in remote["test_no_error_storm[host01/app-log]"][1]
    assert remote["test_no_error_storm[host01/app-log]"][1].endswith("last: ERROR login refused for ***")
    bad_env = remote["test_secrets_set[host01/app-env-bad]"][1]
    assert "DB_PASSWORD is missing" in bad_env and "token-value" not in bad_env
    for _outcome, message in remote.values():
        assert "\n" not in message


def test_a_dead_host_fails_each_of_its_checks_with_one_line(fleet_lab, tmp_path):
    dead = fleet_lab.host("host17")
    text = (
        "version: 1\ndefaults: {timeout: 3s}\n"
        + hosts_yaml(fleet_lab, ["host17"])
        + "containers: [{name: app, host: host17}]\n"
        + "compose: [{project: shop, host: host17}]\n"
        + "logs: [{name: host17/app, container: app, host: host17}]\n"
    )
    (tmp_path / "inventory.yml").write_text(text)
    code, found, output = run(tmp_path / "inventory.yml", tmp_path / "out")
    assert code == 1, output
    reason = f"ssh root@127.0.0.1:{dead.port}: connection refused"
    assert found["test_container_exists[host17/app]"] == ("failed", f"host17/app: {reason}")
    assert found["test_compose_services_running[host17/shop]"] == ("failed", f"host17/shop: {reason}")
    assert found["test_no_error_storm[host17/app]"] == ("failed", f"host17/app: {reason}")
