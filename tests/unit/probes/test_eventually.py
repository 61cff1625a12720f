"""``eventually`` on every kind that can be "not yet": polled until ready, attempts shown, never past the deadline."""

from __future__ import annotations

import pytest

from opsverify.inventory import ComposeEntry, ContainerEntry, HostEntry, Inventory
from opsverify.inventory.alertmanager import AlertmanagerEntry
from opsverify.inventory.common import Eventually
from opsverify.inventory.prometheus import PrometheusEntry
from opsverify.kinds import Context
from opsverify.probes import alertmanager, compose, containers, eventually, hosts, hosts_facts, prometheus
from opsverify.probes.compose import ComposeFacts, Member
from opsverify.probes.containers import ContainerFacts
from opsverify.schema import Duration


class Clock:
    """A fake monotonic clock; each gather costs ``cost`` seconds, sleeping advances it."""

    def __init__(self, cost: float = 0.5) -> None:
        self.now, self.cost = 100.0, cost

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _poll(clock, answers, within=10.0, interval=2.0):
    seen = iter(answers)

    def once() -> ContainerFacts:
        clock.now += clock.cost
        return next(seen)

    wait = Eventually(within=Duration(within), interval=Duration(interval))
    return eventually.poll(once, lambda f: f.health == "healthy", wait, clock.sleep, clock)


def _container(health: str) -> ContainerFacts:
    return ContainerFacts("web", found=True, status="running", health=health)


def test_poll_stops_at_the_first_ready_answer():
    clock = Clock()
    facts = _poll(clock, [_container("starting"), _container("starting"), _container("healthy")])
    assert (facts.health, facts.attempts) == ("healthy", 3)


def test_poll_never_runs_past_within():
    clock = Clock()
    facts = _poll(clock, [_container("starting")] * 100, within=10.0, interval=2.0)
    assert facts.attempts == 4  # 0-0.5, 2.5-3, 5-5.5, 7.5-8; one starting at 10 would end at 10.5
    assert facts.polled <= 10.0


WAIT = Eventually(within=Duration(0.2), interval=Duration(0.05))


@pytest.fixture
def ctx():
    return Context(Inventory())


def _sequence(monkeypatch, module, name, answers):
    calls = iter(answers)
    last = answers[-1]
    monkeypatch.setattr(module, name, lambda *a, **k: next(calls, last))


def test_container_starting_then_healthy_passes_and_says_on_which_attempt(monkeypatch, ctx):
    _sequence(monkeypatch, containers, "gather", [_container("starting"), _container("healthy")])
    entry = ContainerEntry(name="web", eventually=WAIT)
    facts = containers.KIND.gather(entry, ctx)
    verdict = containers.healthy(entry, facts)
    assert verdict.ok
    assert verdict.message.startswith("web: healthy (eventually: passed on attempt 2, ")
    assert verdict.attempts == 2


def test_container_still_starting_fails_with_its_attempt_count(monkeypatch, ctx):
    _sequence(monkeypatch, containers, "gather", [_container("starting")])
    entry = ContainerEntry(name="web", eventually=WAIT)
    verdict = containers.healthy(entry, containers.KIND.gather(entry, ctx))
    assert not verdict.ok
    assert 'health is "starting", expected "healthy"' in verdict.message
    assert "(eventually: still failing after " in verdict.message and "s of 0.2s)" in verdict.message


def test_without_eventually_one_look_and_no_note(monkeypatch, ctx):
    _sequence(monkeypatch, containers, "gather", [_container("starting"), _container("healthy")])
    entry = ContainerEntry(name="web")
    verdict = containers.healthy(entry, containers.KIND.gather(entry, ctx))
    assert verdict.message == 'web: health is "starting", expected "healthy"; last probe: (no probe has run yet)'


def test_compose_waits_for_every_service(monkeypatch, ctx):
    down = ComposeFacts("shop", members=[Member("shop-api-1", "api", "created", 0)])
    up = ComposeFacts("shop", members=[Member("shop-api-1", "api", "running", 0)])
    ctx.cache[("compose", "shop")] = down
    _sequence(monkeypatch, compose, "gather", [down, up])
    entry = ComposeEntry(project="shop", eventually=WAIT)
    verdict = compose.services_running(entry, compose.KIND.gather(entry, ctx))
    assert verdict.message.startswith("shop: all 1 services running (eventually: passed on attempt 3, ")
    assert compose.container_entries(entry, up)[0].eventually == WAIT


def test_host_ports_and_processes_wait(monkeypatch, ctx):
    cold = hosts_facts.HostFacts("db", "local://", listening=set(), processes=[])
    warm = hosts_facts.HostFacts("db", "local://", listening={5432}, processes=["postgres"])
    _sequence(monkeypatch, hosts, "gather", [cold, cold, warm])
    entry = HostEntry(name="db", spec="local://", ports=[5432], processes=["postgres"], eventually=WAIT)
    facts = hosts.KIND.gather(entry, ctx)
    assert hosts.ports(entry, facts).message.startswith("db: port(s) 5432 listening (eventually: passed on attempt 3")
    assert hosts.processes(entry, facts).ok


def test_prometheus_targets_wait(monkeypatch, ctx):
    from opsverify.adapters.jsonapi import Answer

    def facts(health: str) -> prometheus.PrometheusFacts:
        ok = Answer(status=200, doc={"status": "success", "data": {}})
        targets = {"activeTargets": [{"labels": {"job": "api"}, "health": health, "lastError": ""}]}
        return prometheus.PrometheusFacts(
            "http://p",
            answers={
                "healthy": Answer(status=200, doc=None),
                "ready": Answer(status=200, doc=None),
                "targets": Answer(status=200, doc={"status": "success", "data": targets}),
                "flags": ok,
            },
        )

    _sequence(monkeypatch, prometheus, "gather", [facts("unknown"), facts("up")])
    entry = PrometheusEntry(name="prom", url="http://p", eventually=WAIT)
    verdict = prometheus.targets_up(entry, prometheus.KIND.gather(entry, ctx))
    assert verdict.ok, verdict.message
    assert "(eventually: passed on attempt 2, " in verdict.message


def test_alertmanager_waits_for_healthy(monkeypatch, ctx):
    from opsverify.adapters.jsonapi import Answer

    down = alertmanager.AlertmanagerFacts("http://am", error="http://am: connection refused")
    answers = {"healthy": Answer(status=200, doc=None), "status": Answer(status=200, doc={"versionInfo": {}})}
    up = alertmanager.AlertmanagerFacts("http://am", answers=answers)
    _sequence(monkeypatch, alertmanager, "gather", [down, up])
    entry = AlertmanagerEntry(name="am", url="http://am", severities=["critical"], eventually=WAIT)
    verdict = alertmanager.healthy(entry, alertmanager.KIND.gather(entry, ctx))
    assert verdict.ok, verdict.message
    assert "(eventually: passed on attempt 2, " in verdict.message
