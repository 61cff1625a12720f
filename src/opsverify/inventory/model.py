"""The inventory: one YAML file describing what a healthy environment looks like."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from ..schema import Duration
from .alertmanager import AlertmanagerEntry
from .backups import BackupEntry
from .checklist import ChecklistEntry
from .compose import ComposeEntry
from .containers import ContainerEntry
from .grafana import GrafanaEntry
from .hosts import HostEntry
from .http import HttpEntry
from .logs import LogEntry
from .notify import NotifyConfig
from .prometheus import PrometheusEntry
from .secrets import SecretsEntry
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


def section() -> Any:
    """A section of check entries: its name is a check kind (``opsverify.probes.<name>`` registers it)."""
    return field(default_factory=list, metadata={"section": True})


@dataclass(kw_only=True)
class Inventory:
    version: int = 1
    name: str = ""
    defaults: Defaults = field(default_factory=Defaults)
    environments: dict[str, Environment] = field(default_factory=dict)
    default_environment: str | None = None
    secret_vars: list[str] = field(default_factory=list)  # names of variables to mask, beyond *TOKEN*, *PASSWORD*...
    containers: list[ContainerEntry] = section()
    compose: list[ComposeEntry] = section()
    http: list[HttpEntry] = section()
    hosts: list[HostEntry] = section()
    logs: list[LogEntry] = section()
    backups: list[BackupEntry] = section()
    secrets: list[SecretsEntry] = section()
    prometheus: list[PrometheusEntry] = section()
    alertmanager: list[AlertmanagerEntry] = section()
    grafana: list[GrafanaEntry] = section()
    checklist: list[ChecklistEntry] = section()  # manual items, attested by people (opsverify attest)
    rules: RulesSection = field(default_factory=RulesSection)
    waivers: list[Waiver] = field(default_factory=list)
    notify: NotifyConfig | None = None  # send the run's digest to Telegram / a webhook (opt-in)
    depends_on: dict[str, list[str]] = field(default_factory=dict)  # entry name -> entries it needs (root causes)
    checks: list[str] = field(default_factory=list)  # folders of your own check modules, relative to this file
    # Set by the loader, not read from YAML:
    source: str = field(default="", metadata={"key": "__source__"})
    environment: str | None = field(default=None, metadata={"key": "__environment__"})

    def __post_init__(self) -> None:
        if self.version != 1:
            raise ValueError(f"unsupported inventory version {self.version} (this opsverify reads version 1)")
        if self.default_environment and self.default_environment not in self.environments:
            raise ValueError(f"default_environment {self.default_environment!r} is not under environments")

    @classmethod
    @cache
    def section_names(cls) -> tuple[str, ...]:
        """The sections of check entries, in the order the model declares them."""
        return tuple(f.name for f in fields(cls) if f.metadata.get("section"))

    def sections(self) -> dict[str, list[object]]:
        """Entry lists by section name, for parametrization and the report."""
        return {name: list(getattr(self, name)) for name in self.section_names()}
