"""The inventory's ``hosts:`` for plain pytest-testinfra tests: a test that asks for testinfra's ``host`` fixture,
in a module without ``testinfra_hosts`` and a run without ``--hosts``, runs once per inventory host."""

from __future__ import annotations

import urllib.parse

import pytest

from ..inventory import HostEntry
from ..kinds import active
from ..run import RunState


class InventoryHosts:
    def __init__(self, state: RunState) -> None:
        self.state = state

    @pytest.hookimpl(tryfirst=True)
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "_testinfra_host" not in metafunc.fixturenames or getattr(metafunc.config.option, "hosts", None):
            return
        if metafunc.module is None or hasattr(metafunc.module, "testinfra_hosts"):
            return
        hosts = active(self.state.context, self.state.context.inventory.hosts)
        if hosts:
            metafunc.module.testinfra_hosts = [testinfra_spec(h) for h in hosts]


def testinfra_spec(entry: HostEntry) -> str:
    """The entry's spec, with its identity file and ssh config as testinfra reads them from a host spec."""
    query = {k: v for k, v in (("ssh_identity_file", entry.identity_file), ("ssh_config", entry.ssh_config)) if v}
    if not query or not entry.spec.startswith("ssh://"):
        return entry.spec
    return f"{entry.spec}{'&' if '?' in entry.spec else '?'}{urllib.parse.urlencode(query)}"
