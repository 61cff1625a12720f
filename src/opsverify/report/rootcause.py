"""Root causes first: failures that follow from one target being down are grouped under that target.

A root is one of:

- a container (or compose service) that is not running (exited, restarting in a loop, paused, created, gone): every
  other failed check of that container, and the failed checks of the entries that the inventory's ``depends_on:``
  says depend on it;
- an unreachable host (``hosts`` entries): every other failed check of that host, and its dependents;
- an address that refuses (or times out) connections, ``host:port``, named in two or more failure reasons.

An address group whose checks all depend on a root that is down is merged into that root. A group is a root only
when at least two failures fall under it. Grouping changes the report only: every failed check still counts towards
``--fail-on`` and the exit code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .results import CheckResult, RootCause, RunResult, severity_rank

_DOWN = re.compile(
    r"not running|\bexited\b|\bstopped\b|\bdead\b|\bpaused\b|\brestarting\b|status is \"created\"|"
    r"no such container|container .*not found|is not found|"
    r"\bdoes not exist\b",
    re.IGNORECASE,
)
_UNREACHABLE = re.compile(
    r"connection refused|refused|unreachable|no route to host|timed out|timeout|could not connect|cannot connect|"
    r"name or service not known|failed to resolve|connect(ion)? error|all connection attempts failed",
    re.IGNORECASE,
)
_HOST_DOWN = re.compile(  # what the hosts adapter says when it cannot use a host at all (HostUnavailable)
    _UNREACHABLE.pattern + r"|connection failed|no connection within|cannot run commands|cannot use this host spec|"
    r"authentication failed|host key verification failed",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"(?:https?://)?(?:[\w.-]+@)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z][\w-]*):(\d{1,5})\b"
)
_ROOT_KINDS = ("containers", "compose", "hosts")


def group(run: RunResult, depends_on: Mapping[str, Sequence[str]] | None = None) -> list[RootCause]:
    """Find the root causes among the run's failures, set each grouped check's ``root_cause`` and return them
    (also kept in ``run.root_causes``), largest first."""
    failures = run.failures()
    needs = {name: set(roots) for name, roots in (depends_on or {}).items()}
    roots: dict[str, RootCause] = {}
    down: dict[str, str] = {}  # target name -> root key
    for c in failures:
        if c.kind in _ROOT_KINDS and _is_down(c):
            root_key = f"{c.kind}:{c.target}"
            if root_key not in roots:
                line = {
                    "hosts": f"host {c.target} cannot be used: {c.reason}",
                    "containers": f"container {c.target} is down: {c.reason}",
                }.get(c.kind, f"compose project {c.target}: {c.reason}")
                roots[root_key] = RootCause(root_key, line, c.severity, [])
                down[c.target] = root_key
    for c in failures:
        own = f"{c.kind}:{c.target}"
        key = own if own in roots else None
        if key is None:
            key = next((down[r] for r in sorted(needs.get(c.target, ())) if r in down), None)
        if key is not None:
            _add(roots[key], c)
    by_address: dict[str, list[CheckResult]] = {}
    for c in failures:
        if c.root_cause is None and _UNREACHABLE.search(c.reason):
            address = _address(c.reason)
            if address:
                by_address.setdefault(address, []).append(c)
    for address, checks in by_address.items():
        if len(checks) < 2:
            continue
        owners = {down[r] for c in checks for r in needs.get(c.target, ()) if r in down}
        if len(owners) == 1:
            root = roots[owners.pop()]
        else:
            key = f"address:{address}"
            root = roots.setdefault(
                key, RootCause(key, f"{address} does not accept connections", checks[0].severity, own=False)
            )
        for c in checks:
            _add(root, c)
    found = [r for r in roots.values() if len(r.checks) >= 2]
    keep = {r.key for r in found}
    for c in failures:
        if c.root_cause is not None and c.root_cause not in keep:
            c.root_cause = None
    found.sort(key=lambda r: (-severity_rank(r.severity), r.key.startswith("address:"), -len(r.checks), r.key))
    run.root_causes = found
    return found


def _add(root: RootCause, check: CheckResult) -> None:
    if check.root_cause is not None:
        return
    check.root_cause = root.key
    root.checks.append(check.id)
    if severity_rank(check.severity) > severity_rank(root.severity):
        root.severity = check.severity


def _is_down(c: CheckResult) -> bool:
    if c.kind == "hosts":
        return bool(_HOST_DOWN.search(c.reason))
    return bool(_DOWN.search(c.reason))


def _address(reason: str) -> str | None:
    match = _ADDRESS.search(reason)
    return f"{match.group(1)}:{match.group(2)}" if match else None
