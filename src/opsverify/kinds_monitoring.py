"""Target kinds for Prometheus, Alertmanager, Grafana (issue 6). HTTP in depth extends the core ``http`` kind.

Each server has several kinds so that each gathers only what its checks need, concurrently with the others:
the status endpoints, the dead-alert series queries, local file validation, the opt-in test alert.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .kinds import Context, Kind, active
from .probes import alertmanager, amtool, deadalerts, grafana, prometheus, promtool, testalert


def base_dir(ctx: Context) -> Path:
    """Relative paths in an inventory are relative to its folder."""
    return Path(ctx.inventory.source).parent if ctx.inventory.source else Path.cwd()


def _section(name: str) -> Any:
    return lambda ctx: active(ctx, getattr(ctx.inventory, name))


def _with_inventory_rules(ctx: Context) -> list[Any]:
    """Prometheus entries whose rule files include the inventory's ``rules.files`` (validated, checked for dead
    alerts against each server, within the entry's ``groups``)."""
    extra = list(ctx.inventory.rules.files)
    return [dataclasses.replace(e, rule_files=[*e.rule_files, *extra]) for e in active(ctx, ctx.inventory.prometheus)]


KINDS: dict[str, Kind] = {
    "prometheus": Kind("prometheus", _section("prometheus"), lambda e, ctx: prometheus.gather(e, ctx.timeout_for(e))),
    "prometheus_dead_alerts": Kind(
        "prometheus_dead_alerts",
        _with_inventory_rules,
        lambda e, ctx: deadalerts.gather(e, ctx.timeout_for(e), base_dir(ctx)),
    ),
    "prometheus_files": Kind(
        "prometheus_files",
        _with_inventory_rules,
        lambda e, ctx: promtool.gather(e, base_dir(ctx), ctx.timeout_for(e)),
    ),
    "alertmanager": Kind(
        "alertmanager",
        _section("alertmanager"),
        lambda e, ctx: alertmanager.gather(e, ctx.timeout_for(e), sources=active(ctx, ctx.inventory.prometheus)),
    ),
    "alertmanager_files": Kind(
        "alertmanager_files",
        _section("alertmanager"),
        lambda e, ctx: amtool.gather(e, base_dir(ctx), ctx.timeout_for(e)),
    ),
    "alertmanager_test_alert": Kind(
        "alertmanager_test_alert", _section("alertmanager"), lambda e, ctx: testalert.gather(e, ctx.timeout_for(e))
    ),
    "grafana": Kind("grafana", _section("grafana"), lambda e, ctx: grafana.gather(e, ctx.timeout_for(e))),
}
