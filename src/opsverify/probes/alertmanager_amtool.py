"""Alertmanager configuration files validated with ``amtool check-config`` when amtool is installed; without it, a
built-in check (YAML, a root route, every receiver a route names is defined) says so. Verdicts as for promtool."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from ..adapters.localtool import run_tool
from ..inventory.alertmanager import AlertmanagerEntry
from ..verdict import shorten
from .prometheus_promtool import Result, ValidationFacts


def gather(entry: AlertmanagerEntry, base_dir: Path, timeout: float) -> ValidationFacts:
    amtool = shutil.which("amtool")
    facts = ValidationFacts("amtool" if amtool else "built-in (amtool not installed)")
    if entry.config_file:
        full = str(base_dir / entry.config_file)
        result = _amtool(amtool, full, timeout) if amtool else _builtin(full)
        result.what = f"config {entry.config_file}"
        result.output = [line.replace(full, entry.config_file) for line in result.output]
        facts.results.append(result)
    return facts


def _amtool(amtool: str, path: str, timeout: float) -> Result:
    done = run_tool([amtool, "check-config", path], max(timeout, 10.0))
    if done.error:
        return Result(path, False, [done.error])
    text = done.output
    complaints = [ln.split("FAILED:", 1)[1].strip() for ln in text.splitlines() if "FAILED:" in ln]
    return Result(path, done.returncode == 0, complaints or ([] if done.returncode == 0 else [shorten(text, 160)]))


def _builtin(path: str) -> Result:
    try:
        doc = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        return Result(path, False, [shorten(str(exc), 160)])
    if not isinstance(doc, dict) or not isinstance(doc.get("route"), dict):
        return Result(path, False, ["no root route"])
    defined = {str(r.get("name")) for r in doc.get("receivers") or [] if isinstance(r, dict)}
    missing = sorted(set(_receivers(doc["route"])) - defined)
    return Result(path, not missing, [f'undefined receiver "{name}" used in route' for name in missing])


def _receivers(route: dict[str, Any]) -> list[str]:
    own = [str(route["receiver"])] if route.get("receiver") else []
    return own + [name for child in route.get("routes") or [] for name in _receivers(child)]
