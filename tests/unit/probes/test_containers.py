"""Judges of kind `containers`, from inspect documents shaped as the Docker engine returns them (no engine)."""

from __future__ import annotations

from typing import Any

from opsverify.inventory.containers import ContainerEntry
from opsverify.probes import containers
from opsverify.probes.containers import ContainerFacts


def inspect(status: str = "running", **state: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "State": {"Status": status, "ExitCode": state.pop("exit_code", 0), "OOMKilled": state.pop("oom", False)},
        "RestartCount": state.pop("restarts", 0),
        "Config": {"Image": state.pop("image", "api:1.0"), "Labels": {}},
        "HostConfig": {"Memory": state.pop("memory", 0)},
    }
    if "health" in state:
        log = [{"Output": text} for text in state.pop("log", [])]
        doc["State"]["Health"] = {"Status": state.pop("health"), "Log": log}
    return doc


def facts(**kw: Any) -> ContainerFacts:
    return containers.from_inspect("api", inspect(**kw))


API = ContainerEntry(name="api")


def test_missing_container_and_unreachable_engine_fail_every_judge_with_the_reason() -> None:
    missing = ContainerFacts("api", found=False)
    for judge in (containers.exists, containers.running, containers.healthy, containers.restarts):
        assert judge(API, missing).message == (
            "api: container not found, expected it to exist (docker ps -a shows no such name)"
        )
    down = ContainerFacts("api", error="container api: cannot reach the Docker engine (ConnectionError)")
    assert (
        containers.running(API, down).message == "api: container api: cannot reach the Docker engine (ConnectionError)"
    )


def test_running_and_exited() -> None:
    assert containers.running(API, facts()).ok
    assert containers.exists(API, facts(status="exited")).message == "api: exists (exited)"
    verdict = containers.running(API, facts(status="exited", exit_code=1))
    assert verdict.message == 'api: status is "exited" (exit code 1), expected "running"'


def test_health_with_its_last_probe_and_earlier_ones() -> None:
    assert containers.healthy(API, facts(health="healthy")).message == "api: healthy"
    verdict = containers.healthy(API, facts(health="unhealthy", log=["timeout", "refused", "refused"]))
    assert verdict.message == 'api: health is "unhealthy", expected "healthy"; last probe: refused'
    assert verdict.details == ["earlier probe: timeout"]
    assert containers.healthy(API, facts(health="starting")).message.endswith("last probe: (no probe has run yet)")


def test_no_healthcheck_passes_unless_one_is_required() -> None:
    assert containers.healthy(API, facts()).message == "api: no HEALTHCHECK defined; status only"
    required = ContainerEntry(name="api", healthy=True)
    assert containers.healthy(required, facts()).message == 'api: has no HEALTHCHECK, expected one reporting "healthy"'


def test_restarts_against_the_budget_and_a_restart_loop() -> None:
    assert containers.restarts(API, facts(restarts=3)).ok
    assert containers.restarts(API, facts(restarts=4)).message == "api: restart count is 4, expected <= 3"
    loop = containers.restarts(API, facts(status="restarting", restarts=12, exit_code=1))
    assert loop.message == "api: is restarting (restart count 12, last exit code 1), expected it stable"


def test_an_oom_kill_names_the_memory_limit_unless_allowed() -> None:
    killed = facts(status="exited", exit_code=137, oom=True, memory=24 * 1048576)
    verdict = containers.not_oom_killed(API, killed)
    assert (
        verdict.message == "api: was OOM-killed: OOMKilled=true (memory limit 24 MiB), expected no out-of-memory kill"
    )
    assert containers.not_oom_killed(ContainerEntry(name="api", allow_oom=True), killed).ok
    assert containers.not_oom_killed(API, facts()).ok


# exit 137 (issue 13): an OOM kill only with OOMKilled or the engine's oom event


def _exited(code: int, oom: bool = False, cause: str | None = None) -> containers.ContainerFacts:
    attrs = {"State": {"Status": "exited", "ExitCode": code, "OOMKilled": oom}, "HostConfig": {"Memory": 24 << 20}}
    facts = containers.from_inspect("web", attrs)
    facts.exit_cause = cause
    return facts


def test_exit_137_from_docker_stop_is_not_an_oom_kill():
    facts = _exited(137, cause="docker stop")
    verdict = containers.not_oom_killed(ContainerEntry(name="web"), facts)
    assert verdict.ok
    assert (
        verdict.message == "web: last exit was SIGKILL (exit code 137, OOMKilled=false; docker stop), not an OOM kill"
    )
    assert containers.running(ContainerEntry(name="web"), facts).message == (
        'web: status is "exited" (exit code 137, docker stop), expected "running"'
    )


def test_exit_137_with_no_event_says_what_was_seen():
    verdict = containers.not_oom_killed(ContainerEntry(name="web"), _exited(137))
    assert verdict.ok
    assert "OOMKilled=false; no oom event from the engine" in verdict.message


def test_oom_is_oomkilled_or_the_engines_oom_event():
    entry = ContainerEntry(name="web")
    assert containers.not_oom_killed(entry, _exited(137, oom=True)).message == (
        "web: was OOM-killed: OOMKilled=true (memory limit 24 MiB), expected no out-of-memory kill"
    )
    assert containers.not_oom_killed(entry, _exited(137, cause="oom")).message == (
        "web: was OOM-killed: exit code 137 and an oom event (OOMKilled=false) (memory limit 24 MiB), "
        "expected no out-of-memory kill"
    )
    assert containers.running(entry, _exited(137, cause="oom")).message.endswith(
        '(exit code 137, OOM-killed), expected "running"'
    )
    assert containers.not_oom_killed(ContainerEntry(name="web", allow_oom=True), _exited(137, oom=True)).ok
