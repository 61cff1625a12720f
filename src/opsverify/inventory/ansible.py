"""Hosts of a group of an Ansible inventory (INI or YAML).

With Ansible installed, the inventory is read by Ansible itself (``ansible-inventory -i FILE --list``: every
feature, group vars and children, ``host_vars/``/``group_vars/`` folders, plugins). Without it, a documented subset
is read here: INI ``[group]`` lines ``host key=value...``, ``[group:vars]``, ``[group:children]``; YAML
``all:``/``GROUP: {hosts: {h: {vars}}, vars: {...}, children: {...}}``. Variables apply from ``all`` down through
parents to children, host variables last (Ansible's order for groups of different depth). Host ranges
(``web[01:16]``) are expanded in both.

A host becomes a hosts entry with spec ``ssh://ansible_user@ansible_host:ansible_port`` (``ansible_host``
defaults to the host's name) and ``identity_file`` from ``ansible_ssh_private_key_file``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import OpsverifyError

_RANGE = re.compile(r"\[(\d+):(\d+)\]")
TIMEOUT = 60.0


class AnsibleError(OpsverifyError):
    """The Ansible inventory could not be read, or has no such group."""


@dataclass
class AnsibleHost:
    name: str
    vars: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        address = self.vars.get("ansible_host", self.name)
        user = self.vars.get("ansible_user") or self.vars.get("ansible_ssh_user")
        port = self.vars.get("ansible_port") or self.vars.get("ansible_ssh_port")
        host = f"[{address}]" if ":" in address else address
        return f"ssh://{user + '@' if user else ''}{host}{':' + port if port else ''}"

    @property
    def identity_file(self) -> str | None:
        return self.vars.get("ansible_ssh_private_key_file")


@dataclass
class _Tree:
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)  # host -> its own vars
    groups: dict[str, list[str]] = field(default_factory=dict)  # group -> direct hosts
    children: dict[str, list[str]] = field(default_factory=dict)
    vars: dict[str, dict[str, Any]] = field(default_factory=dict)


def group_hosts(path: Path, group: str, use_ansible: bool | None = None) -> list[AnsibleHost]:
    """The hosts of ``group`` (children included), with their merged variables."""
    if not path.is_file():
        raise AnsibleError(f"Ansible inventory {path} not found")
    tool = shutil.which("ansible-inventory")
    if use_ansible or (use_ansible is None and tool is not None):
        return _with_ansible(path, group, tool or "ansible-inventory")
    return _subset(path, group)


def _with_ansible(path: Path, group: str, tool: str) -> list[AnsibleHost]:
    try:
        done = subprocess.run(
            [tool, "-i", str(path), "--list"], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AnsibleError(f"ansible-inventory -i {path} --list: {type(exc).__name__}") from None
    if done.returncode != 0:
        said = [line for line in done.stderr.splitlines() if line.strip()]
        raise AnsibleError(f"ansible-inventory -i {path} failed: {said[-1] if said else done.returncode}")
    data = json.loads(done.stdout)
    hostvars = (data.get("_meta") or {}).get("hostvars") or {}
    if group not in data:
        raise AnsibleError(
            f"{path} has no group {group!r} (groups: {', '.join(sorted(k for k in data if k != '_meta'))})"
        )
    names = _walk(
        group, lambda g: (data.get(g) or {}).get("hosts") or [], lambda g: (data.get(g) or {}).get("children") or []
    )
    return [AnsibleHost(h, {k: str(v) for k, v in (hostvars.get(h) or {}).items() if _scalar(v)}) for h in names]


def _walk(group: str, direct: Any, children: Any) -> list[str]:
    seen: dict[str, None] = {}
    stack, visited = [group], set()
    while stack:
        g = stack.pop(0)
        if g in visited:
            continue
        visited.add(g)
        seen.update(dict.fromkeys(direct(g)))
        stack.extend(children(g))
    return list(seen)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _subset(path: Path, group: str) -> list[AnsibleHost]:
    text = path.read_text(encoding="utf-8")
    tree = _yaml(text, path) if path.suffix in (".yml", ".yaml") else _ini(text, path)
    known = set(tree.groups) | set(tree.children) | set(tree.vars) | {"all"}
    if group not in known:
        raise AnsibleError(f"{path} has no group {group!r} (groups: {', '.join(sorted(known))})")
    if group == "all":
        names = list(tree.hosts)
    else:
        names = _walk(group, lambda g: tree.groups.get(g, []), lambda g: tree.children.get(g, []))
    return [AnsibleHost(h, _merged(tree, h)) for h in names]


def _merged(tree: _Tree, host: str) -> dict[str, str]:
    """all vars, then the host's groups from the top down (parents before children), then the host's own."""
    parents = {c: p for p, cs in tree.children.items() for c in cs}

    def depth(g: str) -> int:
        d, seen = 0, set()
        while g in parents and g not in seen:
            seen.add(g)
            g, d = parents[g], d + 1
        return d

    chain: set[str] = set()
    for g in (g for g, hs in tree.groups.items() if host in hs):
        while g not in chain:
            chain.add(g)
            if g not in parents:
                break
            g = parents[g]
    merged: dict[str, Any] = dict(tree.vars.get("all", {}))
    for g in sorted(chain, key=depth):
        merged.update(tree.vars.get(g, {}))
    merged.update(tree.hosts.get(host, {}))
    return {k: str(v) for k, v in merged.items() if _scalar(v)}


def _expand(name: str) -> list[str]:
    match = _RANGE.search(name)
    if not match:
        return [name]
    first, last = match.group(1), match.group(2)
    width = len(first) if first.startswith("0") else 0
    out = []
    for i in range(int(first), int(last) + 1):
        out.extend(_expand(name[: match.start()] + str(i).zfill(width) + name[match.end() :]))
    return out


def _ini(text: str, path: Path) -> _Tree:
    tree, section, kind = _Tree(), "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise AnsibleError(f"{path}:{number}: bad section header {line!r}")
            section, _, kind = line[1:-1].partition(":")
            kind = kind or "hosts"
            tree.groups.setdefault(section, [])
            continue
        if kind == "vars":
            key, _, value = line.partition("=")
            tree.vars.setdefault(section, {})[key.strip()] = _value(value.strip())
        elif kind == "children":
            tree.children.setdefault(section, []).append(line.split()[0])
        else:
            name, *pairs = line.split()
            own = {}
            for pair in pairs:
                key, sep, value = pair.partition("=")
                if not sep:
                    raise AnsibleError(f"{path}:{number}: expected key=value, got {pair!r}")
                own[key] = _value(value)
            for host in _expand(name):
                tree.hosts.setdefault(host, {}).update(own)
                tree.groups.setdefault(section, []).append(host)
    return tree


def _value(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _yaml(text: str, path: Path) -> _Tree:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise AnsibleError(f"{path}: invalid YAML ({exc})") from None
    tree = _Tree()

    def visit(name: str, node: Any) -> None:
        node = node or {}
        tree.groups.setdefault(name, [])
        for host_pattern, own in (node.get("hosts") or {}).items():
            for host in _expand(str(host_pattern)):
                tree.hosts.setdefault(host, {}).update(own or {})
                tree.groups[name].append(host)
        if node.get("vars"):
            tree.vars.setdefault(name, {}).update(node["vars"])
        for child, sub in (node.get("children") or {}).items():
            tree.children.setdefault(name, []).append(str(child))
            visit(str(child), sub)

    if not isinstance(data, dict):
        raise AnsibleError(f"{path}: expected a mapping of groups")
    for name, node in data.items():
        visit(str(name), node)
    return tree
