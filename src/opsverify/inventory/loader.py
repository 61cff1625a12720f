"""Load, interpolate and validate an inventory file; every problem is an InventoryError ``file:line: what``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InventoryError, SourceError
from ..masking import MASKER, looks_secret, register_url
from ..schema import Converter
from ..yamlsrc import Limits, line_of, load
from .fleet import expand as expand_fleet
from .interpolate import interpolate
from .model import Inventory

# An inventory is read whole before any check runs: bounded so a hostile or runaway file ends within seconds
# (`opsverify inventory check` stays under 5 s at these bounds on a loaded 2-core machine).
LIMITS = Limits(max_bytes=1024 * 1024, max_depth=64, max_values=50_000)

_LOADED: dict[tuple[str, str | None, int, int], Inventory] = {}


def load_inventory_once(path: str | Path, env: str | None = None) -> Inventory:
    """:func:`load_inventory`, remembered for this process: the ``opsverify`` command validates the file before
    starting pytest, and the plugin then reuses that parse (keyed by path, environment, size and mtime)."""
    stat = Path(path).stat() if Path(path).is_file() else None
    key = (str(Path(path).resolve()), env, stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1)
    if key not in _LOADED or stat is None:
        _LOADED.clear()
        _LOADED[key] = load_inventory(path, env)
    return _LOADED[key]


def load_inventory(path: str | Path, env: str | None = None, environ: Mapping[str, str] | None = None) -> Inventory:
    """Read ``path`` for environment ``env`` (default: $OPSVERIFY_ENV, then the file's default_environment)."""
    filename = str(path)
    environ = os.environ if environ is None else environ
    try:
        raw = load(path, limits=LIMITS)
    except SourceError as exc:
        raise InventoryError(exc.file, exc.line, exc.message) from None
    if raw is None:
        raise InventoryError(filename, 1, "the inventory is empty (no sections, only comments or blank lines)")
    if not isinstance(raw, dict):
        raise InventoryError(
            filename, line_of(raw, 1), "the inventory must be a mapping of sections (containers, http, ...)"
        )
    env_name = env or environ.get("OPSVERIFY_ENV") or _str_or_none(raw.get("default_environment"))
    variables, secret_names = _variables(raw, env_name, filename, environ)

    def on_use(name: str, value: str) -> None:
        if name in secret_names or looks_secret(name):
            MASKER.add(value)

    data = interpolate(raw, variables, filename, on_use, skip=frozenset({"environments"}))
    expand_fleet(data, filename)  # groups: + templates: -> entries (inventory/fleet.py)
    _register_secrets(data)
    data["__environment__"] = env_name
    data["__source__"] = filename
    inventory = Converter(filename, InventoryError, ranges=True).dataclass(data, Inventory, "", line_of(data, 1))
    _unique_names(data, inventory, filename)
    _references(data, inventory, filename)
    return inventory


def _references(data: Any, inventory: Inventory, filename: str) -> None:
    """An entry's ``environments`` must be defined under ``environments:``, and its ``host`` (unless a spec like
    ``ssh://...``) must be a ``hosts:`` entry: a typo would otherwise silently skip or misplace a check."""
    hosts = {h.name for h in inventory.hosts}
    for section, entries in inventory.sections().items():
        raw = data.get(section) or []
        for index, entry in enumerate(entries):
            item = raw[index] if isinstance(raw, list) and index < len(raw) else {}
            where = f"{section}[{index}]"
            for env in getattr(entry, "environments", None) or []:
                if env not in inventory.environments:
                    known = ", ".join(sorted(inventory.environments)) or "none defined"
                    line = _line(item, "environments")
                    raise InventoryError(
                        filename, line, f"{where}.environments: {env!r} is not under environments: (known: {known})"
                    )
            host = getattr(entry, "host", None)
            if isinstance(host, str) and "://" not in host and host not in hosts:
                known = ", ".join(sorted(hosts)) or "none"
                raise InventoryError(
                    filename,
                    _line(item, "host"),
                    f"{where}.host: {host!r} is not under hosts: (known: {known}) nor a spec like ssh://user@host",
                )


def _line(item: Any, key: str) -> int:
    return int(item.line_of(key)) if hasattr(item, "line_of") else line_of(item)


def _unique_names(data: Any, inventory: Inventory, filename: str) -> None:
    """Names are the targets in test ids and messages: within a section they must be unique."""
    for section, entries in inventory.sections().items():
        seen: dict[str, int] = {}
        raw = data.get(section) or []
        for index, entry in enumerate(entries):
            name = str(getattr(entry, "name", ""))
            line = raw.line_of(index) if hasattr(raw, "line_of") else 0
            if name in seen:
                raise InventoryError(
                    filename, line, f"{section}[{index}]: duplicate name {name!r} (first at line {seen[name]})"
                )
            seen[name] = line


def _variables(
    raw: Any, env_name: str | None, filename: str, environ: Mapping[str, str]
) -> tuple[dict[str, str], set[str]]:
    """Variables for interpolation: the chosen environment's `vars`, overridden by the process environment."""
    envs = raw.get("environments") or {}
    if not isinstance(envs, dict):
        raise InventoryError(
            filename, raw.line_of("environments"), "environments: expected a mapping of name -> {vars: ...}"
        )
    secret_names = {str(s) for s in raw.get("secret_vars") or [] if isinstance(s, str)}
    variables: dict[str, str] = {}
    if env_name is not None:
        if env_name not in envs:
            known = ", ".join(sorted(envs)) or "none defined"
            where = "environments" if envs or "default_environment" not in raw else "default_environment"
            raise InventoryError(filename, raw.line_of(where), f"unknown environment {env_name!r} (known: {known})")
        env_vars = (envs[env_name] or {}).get("vars") or {} if isinstance(envs[env_name], dict) else {}
        if not isinstance(env_vars, dict):
            line = envs[env_name].line_of("vars") if hasattr(envs[env_name], "line_of") else 0
            raise InventoryError(filename, line, f"environments.{env_name}.vars: expected a mapping of NAME: value")
        for key, value in env_vars.items():
            expanded = interpolate(value, environ, filename)
            variables[key] = str(expanded)
            if key in secret_names or looks_secret(key):
                MASKER.add(str(expanded))
    variables.update(environ)
    return variables, secret_names


def _str_or_none(value: Any) -> str | None:
    return str(value) if isinstance(value, str) else None


def _register_secrets(value: Any, key: str = "") -> None:
    """Register every secret the inventory itself holds, before any check runs: values under secret-looking keys
    (``password:``, ``token:``, an ``Authorization`` header), and passwords and secret query values in URLs."""
    if isinstance(value, dict):
        for k, v in value.items():
            _register_secrets(v, str(k))
    elif isinstance(value, list):
        for item in value:
            _register_secrets(item, key)
    elif isinstance(value, str):
        if "://" in value:
            register_url(value)
        if key and looks_secret(key):
            MASKER.add(value)
            scheme, _, credential = value.partition(" ")  # "Bearer abc", "Basic xyz", "Token t"
            if credential and scheme.isalpha():
                MASKER.add(credential.strip())
