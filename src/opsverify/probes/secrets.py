"""Secrets and config: the required keys of an env file (through testinfra) or a container's environment (docker
SDK) are set, non-empty and not a placeholder or a known default. Values are never put into a message; every value
of a required key, and of any key whose name looks secret, is registered with the masker as soon as it is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import masking
from ..adapters import docker
from ..adapters.host import Access, CommandFailed, Connection, HostUnavailable
from ..adapters.sessions import Connect
from ..errors import OpsverifyError
from ..inventory.secrets import SecretsEntry
from ..kinds import Context, Kind
from ..verdict import Verdict
from .hosts_facts import gather_by_place, q

_PLACEHOLDER = re.compile(
    r"(?i)^(x{3,}|\*{3,}|<[^>]*>|\$\{[^}]*\}|your[-_ ].*|change[-_ ]?me.*|replace[-_ ]?me.*|todo.*)$"
)
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")


@dataclass
class SecretsFacts:
    source: str  # "/srv/app/.env on local://" or "the environment of container api"
    error: str | None = None
    values: dict[str, str] = field(default_factory=dict, repr=False)
    example: dict[str, str] = field(default_factory=dict, repr=False)
    example_source: str = ""


def parse_env(text: str) -> dict[str, str]:
    """KEY=value lines as docker-compose reads .env files: comments, ``export``, single/double quotes."""
    values = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[match.group(1)] = value
    return values


def register_values(entry: SecretsEntry, values: dict[str, str]) -> None:
    for key, value in values.items():
        if key in entry.required or masking.looks_secret(key):
            masking.MASKER.add(value)


def gather_file(
    entry: SecretsEntry, access: Access | str, timeout: float, connect: Connect = Connection
) -> SecretsFacts:
    path = str(entry.env_file)
    facts = SecretsFacts(f"{path} on {access.spec if isinstance(access, Access) else '?'}")
    if isinstance(access, str):
        facts.error = access
        return facts
    example = entry.example_file or f"{path}.example"
    try:
        conn = connect(access, timeout)
        text = conn.output(f"if [ -f {q(path)} ]; then cat {q(path)}; else echo '#MISSING#'; fi")
        example_text = conn.output(f"[ -f {q(example)} ] && cat {q(example)}; true")
    except (HostUnavailable, CommandFailed) as exc:
        facts.error = str(exc)
        return facts
    if text.strip() == "#MISSING#":
        facts.error = f"{path} does not exist, expected an env file"
        return facts
    facts.values = parse_env(text)
    register_values(entry, facts.values)
    facts.example, facts.example_source = parse_env(example_text), example.rsplit("/", 1)[-1]
    return facts


def gather_container(entry: SecretsEntry, timeout: float) -> SecretsFacts:
    name = str(entry.container)
    facts = SecretsFacts(f"the environment of container {name}")
    try:
        with docker.docker_errors(f"container {name}"):
            attrs = docker.client(timeout).api.inspect_container(name)
    except OpsverifyError as exc:
        facts.error = str(exc)
        return facts
    env_from_inspect(entry, facts, attrs)
    return facts


def env_from_inspect(entry: SecretsEntry, facts: SecretsFacts, attrs: dict[str, Any]) -> None:
    """The container's environment from its inspect data (local engine or docker CLI on a host), registered."""
    env = (attrs.get("Config") or {}).get("Env") or []
    facts.values = dict(str(item).partition("=")[::2] for item in env)
    register_values(entry, facts.values)


def problem(entry: SecretsEntry, facts: SecretsFacts, key: str) -> str | None:
    """What is wrong with one required key, in words that never contain its value."""
    if key not in facts.values:
        return f"{key} is missing"
    value = facts.values[key]
    if not value.strip():
        return f"{key} is empty"
    if value.lower() in {p.lower() for p in entry.placeholders} or _PLACEHOLDER.match(value):
        return f"{key} is a placeholder or known default"
    if masking.looks_secret(key) and facts.example.get(key) == value:  # config keys may keep example values
        return f"{key} still has its value from {facts.example_source}"
    if len(value) < entry.min_length:
        return f"{key} is shorter than {entry.min_length} characters"
    return None


def required_set(entry: SecretsEntry, facts: SecretsFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    problems = [p for p in (problem(entry, facts, key) for key in entry.required) if p]
    if problems:
        return Verdict.failed(
            entry.name,
            f"{len(problems)} of {len(entry.required)} required keys in {facts.source} are not set properly: "
            f"{'; '.join(problems)}; expected each set, non-empty and not a default",
        )
    return Verdict.passed(entry.name, f"{len(entry.required)} required keys set in {facts.source}")


def _gather(entry: SecretsEntry, ctx: Context) -> SecretsFacts:
    return gather_by_place(entry, ctx, remote=_remote, container=gather_container, file=gather_file)


def _remote(entry: SecretsEntry, ctx: Context) -> SecretsFacts:
    from . import remote_docker  # it imports this module

    return remote_docker.secrets(entry, ctx)


KIND: Kind[SecretsEntry] = Kind("secrets", gather=_gather)
