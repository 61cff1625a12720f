"""Root causes: a down container, an unreachable host, an address refusing connections, and depends_on."""

from __future__ import annotations

import pytest

from opsverify.report import rootcause
from opsverify.report.results import CheckResult

from .conftest import make_run


def _check(check_id: str, kind: str, target: str, reason: str, severity: str = "critical") -> CheckResult:
    return CheckResult(check_id, f"t.py::{check_id}", target, kind, severity, "failed", reason)


def _run(t0, *checks: CheckResult, passing: int = 0):
    run = make_run([(f"ok{i}[p]", "critical", "passed") for i in range(passing)], at=t0)
    run.checks += list(checks)
    return run


def api_down() -> list[CheckResult]:
    return [
        _check("test_container_running[lab-api]", "containers", "lab-api", "lab-api: not running (exited, code 0)"),
        _check("test_container_healthy[lab-api]", "containers", "lab-api", "lab-api: no health status: not running"),
        _check(
            "test_container_exec[lab-api]", "containers", "lab-api", "lab-api: exec failed: container is not running"
        ),
        _check(
            "test_http_status[api-health]",
            "http",
            "api-health",
            "api-health: GET http://127.0.0.1:18080/health: connection refused",
        ),
        _check(
            "test_http_json[api-health]",
            "http",
            "api-health",
            "api-health: GET http://127.0.0.1:18080/health: connection refused",
        ),
        _check(
            "test_http_status[api-metrics]",
            "http",
            "api-metrics",
            "api-metrics: GET http://127.0.0.1:18080/cgi-bin/metrics: connection refused",
            "warning",
        ),
    ]


def test_a_stopped_container_is_one_root_with_its_dependents(t0):
    down = api_down()
    run = _run(
        t0,
        *down,
        _check("test_container_running[lab-redis]", "containers", "lab-redis", "lab-redis: restarted 5 times"),
    )
    roots = rootcause.group(run, {"api-health": ["lab-api"], "api-metrics": ["lab-api"]})
    assert len(roots) == 1
    root = roots[0]
    assert (
        root.key == "containers:lab-api"
        and root.line == "container lab-api is down: lab-api: not running (exited, code 0)"
    )
    assert root.checks[0] == "test_container_running[lab-api]" and len(root.checks) == 6
    assert {c.id for c in run.checks if c.root_cause == root.key} == {c.id for c in down}
    redis = next(c for c in run.checks if c.target == "lab-redis")
    assert redis.root_cause is None  # an unrelated failure stays on its own
    assert len(run.failures()) == 7  # grouping changes the report only: every failure still counts


def test_without_depends_on_the_refused_address_is_its_own_root(t0):
    run = _run(t0, *api_down())
    roots = rootcause.group(run)
    assert [(r.key, len(r.checks)) for r in roots] == [("containers:lab-api", 3), ("address:127.0.0.1:18080", 3)]
    assert roots[1].line == "127.0.0.1:18080 does not accept connections"
    assert (roots[0].dependents, roots[1].dependents) == (2, 3)  # an address has no check of its own


@pytest.mark.parametrize(
    "reason",
    [
        "db1: ssh deploy@10.0.0.5: no connection within 5s (connect timeout)",
        "db1: ssh deploy@10.0.0.5: connection refused",
        "db1: ssh deploy@10.0.0.5: authentication failed (Permission denied (publickey))",
        "db1: ssh deploy@10.0.0.5: host key verification failed: the host is not in ~/.ssh/known_hosts",
    ],
)
def test_a_host_that_cannot_be_used_is_a_root(t0, reason):
    run = _run(
        t0,
        _check("test_host_reachable[db1]", "hosts", "db1", reason),
        _check("test_host_disks[db1]", "hosts", "db1", reason),
    )
    (root,) = rootcause.group(run)
    assert root.key == "hosts:db1" and root.line == f"host db1 cannot be used: {reason}" and root.dependents == 1


def test_an_unreachable_host_groups_its_own_checks(t0):
    run = _run(
        t0,
        _check(
            "test_host_reachable[db1]",
            "hosts",
            "db1",
            "db1: ssh: connect to host 10.0.0.5 port 22: Connection timed out",
        ),
        _check("test_host_disk[db1]", "hosts", "db1", "db1: could not run df: Connection timed out"),
        _check("test_backup_fresh[db1-dump]", "backups", "db1-dump", "db1-dump: newest backup is 3 days old"),
    )
    roots = rootcause.group(run, {"db1-dump": ["db1"]})
    assert [(r.key, r.checks) for r in roots] == [
        ("hosts:db1", ["test_host_reachable[db1]", "test_host_disk[db1]", "test_backup_fresh[db1-dump]"])
    ]


def test_a_single_failure_is_not_a_root(t0):
    run = _run(t0, api_down()[0], passing=3)
    assert rootcause.group(run) == [] and run.checks[-1].root_cause is None


def test_root_severity_is_the_highest_of_its_checks(t0):
    run = _run(
        t0,
        _check("a[web]", "http", "web", "web: GET http://10.1.1.1:80/: connection refused", "info"),
        _check("b[web2]", "http", "web2", "web2: GET http://10.1.1.1:80/x: connection refused", "warning"),
    )
    (root,) = rootcause.group(run)
    assert root.severity == "warning" and root.key == "address:10.1.1.1:80"


@pytest.mark.parametrize(
    "reason",
    [
        'lab-stopped: status is "exited" (exit code 0), expected "running"',
        "lab-crashloop: is restarting (restart count 12, last exit code 1), expected it stable",
        "lab-gone: container not found, expected it to exist (docker ps -a shows no such name)",
        'lab-new: status is "created", expected "running"',
    ],
)
def test_the_container_probes_down_messages_make_a_root(t0, reason):
    target = reason.split(":")[0]
    run = _run(
        t0,
        _check(f"test_container_running[{target}]", "containers", target, reason),
        _check(f"test_container_healthy[{target}]", "containers", target, f"{target}: no health status"),
    )
    (root,) = rootcause.group(run)
    assert root.key == f"containers:{target}" and root.dependents == 1


def test_a_container_failing_for_other_reasons_is_no_root(t0):
    run = _run(
        t0,
        _check(
            "test_container_memory[api]", "containers", "api", "api: memory use 93 % of its limit, expected <= 80 %"
        ),
        _check("test_container_image[api]", "containers", "api", 'api: image "shop/api:latest" is not pinned'),
    )
    assert rootcause.group(run) == []
