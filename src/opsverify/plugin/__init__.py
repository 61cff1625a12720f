"""pytest11 entry point: wiring only, and inert unless asked for.

Installed in any pytest project, opsverify changes nothing until ``--inventory FILE`` (or ``$OPSVERIFY_INVENTORY``)
turns it on: only then are its markers registered, the inventory parsed (a bad file stops the run before any test,
exit 4 from the ``opsverify`` command), and its hook objects registered: :class:`~.items.Checks` (parametrization,
fixtures, prefetching), :class:`~.outcomes.Outcomes` (one-line failures, waivers, the severity gate) and
:class:`~.report.ReportHooks` (pytest-html). Alert-rule test collection is wired in :mod:`.rules`.
"""

from __future__ import annotations

import pytest

from ..errors import InventoryError
from ..paths import checks_dir
from ..run import RunState
from . import options, xdist
from .hosts import InventoryHosts
from .items import Checks
from .outcomes import Outcomes

STATE = pytest.StashKey[RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add(parser)


def pytest_configure(config: pytest.Config) -> None:
    path = options.inventory_path(config)
    if path is None:
        return
    options.register_markers(config)
    state = RunState(fail_on=options.fail_on(config))
    try:
        state.load(path, config.getoption("opsverify_env"), config.getoption("opsverify_concurrency"))
    except InventoryError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[STATE] = state
    xdist.wire(config, state)
    _add_check_paths(config, state)
    from .report import ReportHooks

    config.pluginmanager.register(Checks(state), "opsverify-checks")
    config.pluginmanager.register(Outcomes(state), "opsverify-outcomes")
    config.pluginmanager.register(ReportHooks(state), "opsverify-report")
    config.pluginmanager.register(InventoryHosts(state), "opsverify-testinfra-hosts")


def _add_check_paths(config: pytest.Config, state: RunState) -> None:
    """Under plain ``pytest --inventory`` without paths, collect the built-in suite and the inventory's ``checks:``
    folders beside the usual test paths (the ``opsverify`` command passes its paths itself)."""
    if config.getoption("opsverify_no_suite") or config.args_source == pytest.Config.ArgsSource.ARGS:
        return  # paths given explicitly: collect just those
    wanted = [str(checks_dir()), *state.check_dirs(), *config.getoption("opsverify_checks")]
    given = {str(a).split("::")[0].rstrip("/") for a in config.args}
    config.args.extend(p for p in wanted if p.rstrip("/") not in given)
