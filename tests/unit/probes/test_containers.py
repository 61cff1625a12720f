"""Container judges on hand-made inspect facts: what an exit 137 means."""

from __future__ import annotations

from opsverify.inventory import ContainerEntry
from opsverify.probes import containers


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
