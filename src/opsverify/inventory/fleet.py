"""Groups and templates: a fleet written once. Expanded on the raw YAML (before validation), so every entry a
template makes is checked like a hand-written one, and errors point at the template's lines.

```yaml
groups:
  - name: web
    hosts: [web1, web2]                 # hosts entries by name ...
    vars: {app_dir: /srv/app}           # ... with variables for every host of the group
    host_vars: {web2: {app_dir: /opt/app}}
  - name: db
    ansible: hosts.ini                  # ... or a group of an Ansible inventory (INI or YAML), relative to this file
    group: dbservers                    # default: the group's own name
    ssh: {known_hosts: /etc/opsverify/known_hosts}   # hosts-entry keys for the hosts it brings
templates:
  - group: web
    vars: {port: "8080"}
    hosts: {disks: [{mount: /}], files: [{path: "{{ app_dir }}/.env", mode: "600"}]}
    containers: [{name: calendar-redis}]
    logs: [{name: app-errors, path: "{{ app_dir }}/app.log"}]
```

Per host, a template's ``hosts:`` aspects are added to that host's entry; entries of the other sections are copied
with ``{{ var }}`` replaced (the host's variables: ``host``, ``ansible_host``..., then the group's, the host's
``host_vars``, the template's), ``host:`` set where the section has one, and names qualified ``host/name``.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from ..errors import InventoryError
from ..yamlsrc import LDict, LList, LStr, line_of
from . import ansible
from .model import Inventory

_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
HOSTED = ("containers", "compose", "logs", "backups", "secrets")  # sections whose entries have a host: key
_QUALIFIED_BY_ENTRY = ("containers", "compose")  # these qualify their own names from host:


def expand(data: LDict, filename: str) -> None:
    """Replace ``groups:`` and ``templates:`` in ``data`` by the entries they stand for (in place)."""
    groups_raw, templates_raw = data.pop("groups", None), data.pop("templates", None)
    if groups_raw is None and templates_raw is None:
        return
    hosts = _list(data, "hosts", filename)
    groups = _groups(groups_raw or LList(), hosts, Path(filename).parent, filename)
    for index, template in enumerate(_items(templates_raw, "templates", filename)):
        _apply(template, f"templates[{index}]", groups, hosts, data, filename)


def _items(value: Any, where: str, filename: str) -> list[LDict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InventoryError(filename, line_of(value), f"{where}: expected a list of mappings")
    return list(value)


def _list(data: LDict, section: str, filename: str) -> LList:
    found = data.get(section)
    if found is None:
        found = LList()
        found.line, found.item_lines = line_of(data), []
        data[section] = found
    if not isinstance(found, list):
        raise InventoryError(filename, data.line_of(section), f"{section}: expected a list of entries")
    if not isinstance(found, LList):
        found = data[section] = _llist(found)
    return found


def _llist(items: list[Any]) -> LList:
    out = LList(items)
    out.line, out.item_lines = line_of(items), list(getattr(items, "item_lines", []))
    return out


def _groups(raw: Any, hosts: LList, base: Path, filename: str) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """group name -> [(host name, its variables)], adding hosts entries for hosts an Ansible group brings."""
    by_name = {str(h.get("name")): h for h in hosts if isinstance(h, dict)}
    groups: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for index, group in enumerate(_items(raw, "groups", filename)):
        where, line = f"groups[{index}]", line_of(group)
        name = group.get("name")
        if not isinstance(name, str) or not name:
            raise InventoryError(filename, line, f"{where}: a group needs a name")
        unknown = set(group) - {"name", "hosts", "vars", "host_vars", "ansible", "group", "ssh"}
        if unknown:
            raise InventoryError(filename, line, f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        group_vars, host_vars = _strings(group.get("vars"), f"{where}.vars", filename), group.get("host_vars") or {}
        members: list[tuple[str, dict[str, str]]] = []
        if group.get("ansible") is not None:
            members = _from_ansible(group, name, base, hosts, by_name, where, filename)
        for host in group.get("hosts") or []:
            if str(host) not in by_name:
                known = ", ".join(sorted(by_name)) or "none"
                raise InventoryError(
                    filename, line_of(host, line), f"{where}: host {host!r} is not under hosts: (known: {known})"
                )
            members.append((str(host), {"host": str(host)}))
        if not members:
            raise InventoryError(filename, line, f"{where}: group {name!r} has no hosts (give hosts: or ansible:)")
        groups[name] = [
            (h, {**v, **group_vars, **_strings(host_vars.get(h), f"{where}.host_vars.{h}", filename)})
            for h, v in members
        ]
    return groups


def _from_ansible(
    group: LDict, name: str, base: Path, hosts: LList, by_name: dict[str, Any], where: str, filename: str
) -> list[tuple[str, dict[str, str]]]:
    path = base / str(group["ansible"])
    wanted = str(group.get("group") or name)
    try:
        found = ansible.group_hosts(path, wanted)
    except ansible.AnsibleError as exc:
        raise InventoryError(filename, group.line_of("ansible"), f"{where}: {exc}") from None
    ssh = group.get("ssh") or {}
    members = []
    for host in found:
        if host.name not in by_name:
            entry = LDict({"name": LStr(host.name), "spec": host.spec, **ssh})
            entry.line, entry.key_lines = group.line_of("ansible"), {}
            if host.identity_file:
                entry["identity_file"] = host.identity_file
            hosts.append(entry)
            hosts.item_lines.append(entry.line)
            by_name[host.name] = entry
        members.append((host.name, {"host": host.name, **host.vars}))
    return members


def _strings(value: Any, where: str, filename: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InventoryError(filename, line_of(value), f"{where}: expected a mapping of name: value")
    return {str(k): str(v) for k, v in value.items()}


def _apply(
    template: LDict,
    where: str,
    groups: dict[str, list[tuple[str, dict[str, str]]]],
    hosts: LList,
    data: LDict,
    filename: str,
) -> None:
    group = template.get("group")
    if group not in groups:
        known = ", ".join(sorted(groups)) or "none"
        raise InventoryError(
            filename, line_of(template), f"{where}: group {group!r} is not under groups: (known: {known})"
        )
    own = _strings(template.get("vars"), f"{where}.vars", filename)
    by_name = {str(h.get("name")): h for h in hosts if isinstance(h, dict)}
    for host, host_vars in groups[str(group)]:
        variables = {**host_vars, **own}
        for section, value in template.items():
            if section in ("group", "vars", "name"):
                continue
            if section not in _sections():
                near = difflib.get_close_matches(section, _sections(), 1)
                hint = f" (did you mean {near[0]!r}?)" if near else f" (sections: {', '.join(_sections())})"
                raise InventoryError(filename, template.line_of(section), f"{where}: unknown section {section!r}{hint}")
            if section == "hosts":
                _merge_aspects(by_name[host], substitute(value, variables, f"{where}.hosts", filename), filename)
                continue
            entries = _items(value, f"{where}.{section}", filename)
            target = _list(data, section, filename)
            for entry in entries:
                copy = substitute(entry, variables, f"{where}.{section}", filename)
                _place(copy, section, host)
                target.append(copy)
                target.item_lines.append(line_of(entry))


def _sections() -> list[str]:
    return list(Inventory.section_names())


def _merge_aspects(entry: Any, aspects: Any, filename: str) -> None:
    if not isinstance(aspects, dict):
        raise InventoryError(
            filename, line_of(aspects), "templates[].hosts: expected a mapping of aspects (disks, files...)"
        )
    for key, value in aspects.items():
        if isinstance(value, list) and isinstance(entry.get(key), list):
            merged = LList([*entry[key], *value])
            merged.line = line_of(value)
            merged.item_lines = [*getattr(entry[key], "item_lines", []), *getattr(value, "item_lines", [])]
            entry[key] = merged
        else:
            entry[key] = value
        if hasattr(entry, "key_lines"):
            entry.key_lines.setdefault(key, aspects.line_of(key) if hasattr(aspects, "line_of") else 0)


def _place(entry: LDict, section: str, host: str) -> None:
    if section in HOSTED and "host" not in entry:
        entry["host"] = LStr(host)
    if section in _QUALIFIED_BY_ENTRY:
        return
    name = entry.get("name")
    if isinstance(name, str):
        qualified = LStr(f"{host}/{name}")
        qualified.line = line_of(name)
        entry["name"] = qualified


def substitute(value: Any, variables: dict[str, str], where: str, filename: str) -> Any:
    """A copy of ``value`` with ``{{ name }}`` replaced; lines are kept, an unknown variable is an error."""
    if isinstance(value, dict):
        out = LDict()
        out.line, out.key_lines = line_of(value), dict(getattr(value, "key_lines", {}))
        for k, v in value.items():
            out[k] = substitute(v, variables, where, filename)
        return out
    if isinstance(value, list):
        lst = LList(substitute(v, variables, where, filename) for v in value)
        lst.line, lst.item_lines = line_of(value), list(getattr(value, "item_lines", []))
        return lst
    if isinstance(value, str) and "{{" in value:

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in variables:
                known = ", ".join(sorted(variables))
                raise InventoryError(
                    filename,
                    line_of(value),
                    f"{where}: unknown variable {name!r} for host {variables.get('host', '?')} (known: {known})",
                )
            return variables[name]

        result = LStr(_VAR.sub(one, value))
        result.line = line_of(value)
        return result
    return value
