"""Prometheus configuration and rule files validated with ``promtool check config|rules`` when promtool is
installed; without it, a built-in check (YAML shape, and every expression parsed by promql-parser) says so."""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..adapters.localtool import run_tool
from ..inventory.prometheus import PrometheusEntry
from ..inventory.server import Server
from ..verdict import Verdict, shorten
from . import prometheus_promql


@dataclass
class Result:
    what: str  # "config prometheus.yml", "rules a.yml"
    ok: bool
    output: list[str] = field(default_factory=list)  # the validator's complaint lines


@dataclass
class ValidationFacts:
    tool: str  # "promtool" or "built-in (promtool not installed)"
    results: list[Result] = field(default_factory=list)


def gather(entry: PrometheusEntry, base_dir: Path, timeout: float) -> ValidationFacts:
    promtool = shutil.which("promtool")
    jobs = [("config", [entry.config_file])] if entry.config_file else []
    rules = expand(entry.rule_files, base_dir)
    jobs += [("rules", rules)] if rules else []
    facts = ValidationFacts("promtool" if promtool else "built-in (promtool not installed)")
    for kind, paths in jobs:
        full = [str(base_dir / p) for p in paths]
        what = f"{kind} {' '.join(paths)}"
        result = _promtool(promtool, kind, full, what, timeout) if promtool else _builtin(kind, full, what)
        for long, short in zip(full, paths, strict=True):  # name files as the inventory does
            result.output = [line.replace(long, short) for line in result.output]
        facts.results.append(result)
    return facts


def expand(patterns: list[str], base_dir: Path) -> list[str]:
    """Rule-file patterns (``rules/*.yml``) as the files they name, relative to ``base_dir`` as written.

    A pattern that matches nothing stays, so that the check says the file is missing."""
    found: list[str] = []
    for pattern in patterns:
        if not glob.has_magic(pattern):
            found.append(pattern)
            continue
        matches = sorted(glob.glob(str(base_dir / pattern)))
        found += [os.path.relpath(m, base_dir) if not Path(pattern).is_absolute() else m for m in matches] or [pattern]
    return list(dict.fromkeys(found))


def _promtool(promtool: str, kind: str, paths: list[str], what: str, timeout: float) -> Result:
    done = run_tool([promtool, "check", kind, *paths], max(timeout, 10.0))
    if done.error:
        return Result(what, False, [done.error])
    lines = [ln.strip() for ln in done.output.splitlines() if ln.strip()]
    complaints = [ln for ln in lines if not ln.startswith(("Checking", "SUCCESS")) and "FAILED" not in ln]
    return Result(what, done.returncode == 0, complaints)


def _builtin(kind: str, paths: list[str], what: str) -> Result:
    problems: list[str] = []
    for path in paths:
        try:
            doc = yaml.safe_load(Path(path).read_text())
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path}: {shorten(str(exc), 120)}")
            continue
        if kind == "rules":
            problems += _rule_problems(path, doc)
        elif not isinstance(doc, dict):
            problems.append(f"{path}: expected a mapping")
    return Result(what, not problems, problems)


def _rule_problems(path: str, doc: object) -> list[str]:
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), list):
        return [f"{path}: expected a mapping with a list under 'groups'"]
    problems = []
    for group in doc["groups"]:
        for i, rule in enumerate(group.get("rules") or []):
            try:
                prometheus_promql.parse(str(rule.get("expr", "")))
            except ValueError as exc:
                name = rule.get("alert") or rule.get("record") or f"rule {i + 1}"
                problems.append(f'{path}: group "{group.get("name")}", {name}: {shorten(str(exc), 100)}')
    return problems


def files_valid(entry: Server, facts: ValidationFacts) -> Verdict:
    bad = [r for r in facts.results if not r.ok]
    if bad:
        reasons = [f"{r.what}: {'; '.join(r.output) or 'invalid'}" for r in bad]
        return Verdict.failed(entry.name, f"{facts.tool} check failed: " + " | ".join(reasons), reasons)
    checked = ", ".join(r.what for r in facts.results)
    return Verdict.passed(entry.name, f"{facts.tool}: valid ({checked})")
