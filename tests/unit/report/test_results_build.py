"""results.build from a run's outcomes: a check whose node id the masker rewrites by structure (the secrets kind's
module is ``test_secrets.py``, so ``test_secrets.py::...`` reads like ``SECRET: value``) still gets its results."""

from __future__ import annotations

from opsverify.report.results import build
from opsverify.run import Outcome, RunState


def test_a_check_whose_node_id_is_masked_still_builds():
    state = RunState()
    nodeid = "src/opsverify/checks/test_secrets.py::test_secrets_set[web1/env]"
    state.outcomes[nodeid] = Outcome(nodeid, "critical", "failed", "web1/env: A is missing", "web1/env", "secrets")
    run = build(state)
    assert [(c.id, c.outcome, c.reason) for c in run.checks] == [
        ("test_secrets_set[web1/env]", "failed", "web1/env: A is missing")
    ]
