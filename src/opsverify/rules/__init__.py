"""Alerting and recording rules tested offline, as ``promtool test rules`` does (Prometheus 3 semantics).

- :class:`RuleSet` / :class:`RuleRun`: the Python API (load rule files, evaluate over input series, ask what fired).
- :func:`opsverify.rules.cli.main`: ``promtool test rules`` behaviour for test files.
- :mod:`opsverify.rules.runner`: test files -> per-case results (used by the pytest layer).
"""

from .api import FiringAlert, RuleEvaluationError, RuleRun, RuleSet
from .model import Group, Rule, load_rule_file

__all__ = ["FiringAlert", "Group", "Rule", "RuleEvaluationError", "RuleRun", "RuleSet", "load_rule_file"]
