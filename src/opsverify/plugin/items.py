"""Checks as pytest items: parametrization over the inventory, the ``target``/``facts``/``inventory`` fixtures,
severities and test properties, and prefetching every probe the selected items need, all at once."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import pytest

from .. import childprobes, headstart, registry, shard
from ..kinds import Kind
from ..prefetch import ProbeTimeout
from ..run import RunState
from ..sharedprobes import Unshareable
from ..verdict import CheckFailure, Verdict

SEVERITY = pytest.StashKey[str]()


class ProbeDidNotFinish:
    """What ``facts`` holds when the probe ran past its budget: the check fails with this verdict."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict


class Checks:
    """Registered only when the plugin is active (an inventory was given)."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self._item: pytest.Item | None = None

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        marker = metafunc.definition.get_closest_marker("opsverify")
        if marker is None or "target" not in metafunc.fixturenames:
            return
        kind = registry.kind(marker.args[0])
        kind.probe(marker.kwargs.get("probe"))  # an unknown probe name is a collection error, now
        targets = kind.entries(self.state.context)
        where = marker.kwargs.get("where")
        if where is not None:
            targets = [t for t in targets if where(t)]
        metafunc.parametrize("target", targets, ids=[str(t.name) for t in targets])

    @pytest.fixture
    def inventory(self) -> Any:
        """The loaded :class:`~opsverify.inventory.Inventory`."""
        return self.state.inventory

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._item = item  # whose fixtures are set up now (cheaper than asking for `request` in `facts`)

    @pytest.fixture
    def facts(self, target: Any) -> Any:
        """What the probe for this item's target gathered (prefetched concurrently at the end of collection)."""
        kind, probe = self._kind(self._item)
        key, gather, budget = self._job(kind, probe, target)
        shared, child = self.state.shared, self.state.child
        try:
            if child is not None and key in child:
                try:
                    return child.get(key)
                except childprobes.Unsent:
                    pass  # the probe process could not hand it over: probe here
            if shared is not None and not shared.owns(key):
                if shared.claim(key):
                    gather = shared.wrap(key, gather)
                else:
                    try:
                        return shared.wait(key, budget)  # another worker of this xdist run probes it
                    except Unshareable:
                        pass
            return self.state.prefetcher.get(key, gather, budget)
        except ProbeTimeout as exc:  # the check fails (in its call phase, so it counts as failed, not as an error)
            return ProbeDidNotFinish(
                Verdict.failed(str(target.name), f"{exc} (a target that hangs or trickles its answer)")
            )

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> None:
        facts = pyfuncitem.funcargs.get("facts")
        if isinstance(facts, ProbeDidNotFinish):
            raise CheckFailure(facts.verdict)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        _deselect_empty_sections(config, items)
        _deselect_other_shards(config, items)
        for item in items:
            marker = item.get_closest_marker("opsverify")
            if marker is None:
                if item.get_closest_marker("alerts") is not None:  # rule tests: a broken alert is a release blocker
                    item.stash[SEVERITY] = "critical"
                    item.user_properties.extend([("severity", "critical"), ("kind", "rules")])
                continue
            target = target_of(item)
            severity = getattr(target, "severity", None) or marker.kwargs.get("severity", "critical")
            item.stash[SEVERITY] = severity
            name = str(getattr(target, "name", ""))
            item.user_properties.extend([("target", name), ("severity", severity), ("kind", marker.args[0])])

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Start every probe the selected checks need, all at once: in a child process for big runs
        (:mod:`opsverify.childprobes`), else on this process's pool."""
        jobs: dict[Any, tuple[Any, Callable[[], Any], float]] = {}
        for item in session.items:
            target = target_of(item)
            if target is None or "facts" not in getattr(item, "fixturenames", ()):
                continue
            kind, probe = self._kind(item)
            key, gather, budget = self._job(kind, probe, target)
            shared = self.state.shared
            if shared is not None:  # under xdist: only the worker that claims a probe runs it
                if shared.owns(key) or not shared.claim(key):
                    continue
                gather = shared.wrap(key, gather)
            jobs.setdefault(key, (key, gather, budget))
        early = headstart.take(self.state.inventory) if self.state.shared is None else None
        if early is not None:  # `opsverify run` started these before pytest did; the rest run here
            self.state.child = early
            jobs = {key: job for key, job in jobs.items() if key not in early}
        elif self.state.shared is None and childprobes.enabled(len(jobs)):
            self.state.child = childprobes.ChildProbes(list(jobs.values()), self.state.workers, registry.spread)
            return
        for job in jobs.values():
            self.state.prefetcher.submit(*job)

    def _kind(self, item: pytest.Item | None) -> tuple[Kind[Any], str | None]:
        marker = item.get_closest_marker("opsverify") if item is not None else None
        if marker is None:
            where = item.nodeid if item is not None else "a fixture outside a check"
            raise pytest.UsageError(f"{where}: the facts fixture is for @opsverify.check / opsverify checks")
        return registry.kind(marker.args[0]), marker.kwargs.get("probe")

    def _job(self, kind: Kind[Any], probe: str | None, target: Any) -> tuple[Any, Callable[[], Any], float]:
        gather, ctx = kind.probe(probe), self.state.context
        return kind.key(target, probe), (lambda: gather(target, ctx)), kind.budget(target, ctx)


def _deselect_empty_sections(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A check whose inventory section is empty is not applicable: deselect it rather than report a skip."""
    empty = [i for i in items if i.get_closest_marker("opsverify") is not None and target_of(i) is None]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [i for i in items if i not in empty]


def _deselect_other_shards(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--opsverify-shard I/N``: keep this shard's checks (:mod:`opsverify.shard`), deselect the rest."""
    value = config.getoption("opsverify_shard", None)
    if not value:
        return
    try:
        which = shard.parse(str(value))
    except shard.ShardError as exc:
        raise pytest.UsageError(str(exc)) from None
    kept, dropped = shard.select(items, which, lambda i: shard.group_of(target_of(i), i.nodeid))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def target_of(item: pytest.Item | Any) -> Any:
    callspec = getattr(item, "callspec", None)
    target = callspec.params.get("target") if callspec is not None else None
    # an empty parameter set gives pytest's NOTSET token (an Enum member, which has a .name too)
    return None if target is None or isinstance(target, Enum) or not hasattr(target, "name") else target
