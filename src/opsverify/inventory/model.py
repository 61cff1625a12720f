"""The inventory: one YAML file describing what a healthy environment looks like."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Duration
from .entries import ComposeEntry, ContainerEntry, HttpEntry
from .hosts import HostEntry
from .monitoring import AlertmanagerEntry, GrafanaEntry, PrometheusEntry
from .readiness import BackupEntry, LogEntry, SecretsEntry
from .waivers import Waiver


@dataclass(kw_only=True)
class Defaults:
    timeout: Duration = Duration(5.0)  # every network call; per-entry `timeout` overrides
    max_body_bytes: int = 1_048_576  # larger HTTP bodies are not parsed (the check says so)
    concurrency: int = 64  # network probes in flight at once


@dataclass(kw_only=True)
class Environment:
    vars: dict[str, str] = field(default_factory=dict, repr=False)  # may hold secrets
    description: str = ""


@dataclass(kw_only=True)
class RulesSection:
    """Prometheus rule files (validated, checked for dead selectors) and promtool-format rule tests."""

    files: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if any(not p.strip() for p in [*self.files, *self.tests]):
            raise ValueError("empty path or glob")


@dataclass(kw_only=True)
class Inventory:
    version: int = 1
    name: str = ""
    defaults: Defaults = field(default_factory=Defaults)
    environments: dict[str, Environment] = field(default_factory=dict)
    default_environment: str | None = None
    secret_vars: list[str] = field(default_factory=list)  # names of variables to mask, beyond *TOKEN*, *PASSWORD*...
    containers: list[ContainerEntry] = field(default_factory=list)
    compose: list[ComposeEntry] = field(default_factory=list)
    http: list[HttpEntry] = field(default_factory=list)
    hosts: list[HostEntry] = field(default_factory=list)
    logs: list[LogEntry] = field(default_factory=list)
    backups: list[BackupEntry] = field(default_factory=list)
    secrets: list[SecretsEntry] = field(default_factory=list)
    prometheus: list[PrometheusEntry] = field(default_factory=list)
    alertmanager: list[AlertmanagerEntry] = field(default_factory=list)
    grafana: list[GrafanaEntry] = field(default_factory=list)
    rules: RulesSection = field(default_factory=RulesSection)
    waivers: list[Waiver] = field(default_factory=list)
    # Set by the loader, not read from YAML:
    source: str = field(default="", metadata={"key": "__source__"})
    environment: str | None = field(default=None, metadata={"key": "__environment__"})

    def __post_init__(self) -> None:
        if self.version != 1:
            raise ValueError(f"unsupported inventory version {self.version} (this opsverify reads version 1)")
        if self.default_environment and self.default_environment not in self.environments:
            raise ValueError(f"default_environment {self.default_environment!r} is not under environments")

    def sections(self) -> dict[str, list[object]]:
        """Entry lists by section name, for parametrization and the report."""
        names = ["containers", "compose", "http", "hosts", "logs", "backups", "secrets"]
        names += ["prometheus", "alertmanager", "grafana"]
        return {name: list(getattr(self, name)) for name in names}
