"""pytest-xdist: the same run, split over worker processes. The controller creates the run's shared probe
directory and hands it to each worker; workers claim each probe once (:mod:`opsverify.sharedprobes`) and send the
secrets their maskers learned back, so the controller's reports are masked with all of them. Outcomes are recorded
on the controller from the reports workers send (``pytest_runtest_logreport``), so the gate, the summary, waivers,
HTML and JUnit are the same as in one process."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

import pytest

from ..masking import MASKER
from ..run import RunState
from ..sharedprobes import SharedProbes

DIR_KEY = "opsverify_probe_dir"
SECRETS_KEY = "opsverify_secrets"


def wire(config: pytest.Config, state: RunState) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        if workerinput.get(DIR_KEY):
            state.shared = SharedProbes(workerinput[DIR_KEY])
        config.pluginmanager.register(Worker(), "opsverify-xdist-worker")
    elif getattr(config.option, "dist", "no") != "no" or getattr(config.option, "numprocesses", None):
        config.pluginmanager.register(Controller(), "opsverify-xdist-controller")


class Controller:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="opsverify-probes-")  # mode 0700

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[DIR_KEY] = self.dir

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        for secret in getattr(node, "workeroutput", {}).get(SECRETS_KEY, []):
            MASKER.add(secret)

    def pytest_unconfigure(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class Worker:
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        output = getattr(session.config, "workeroutput", None)
        if output is not None:
            output[SECRETS_KEY] = MASKER.known()
