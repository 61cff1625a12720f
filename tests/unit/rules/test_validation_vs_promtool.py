"""Rule-file validation verdicts against `promtool check rules` (both refuse, or both accept)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_peers import run_promtool

from opsverify.errors import SourceError
from opsverify.rules.model import load_rule_file

HEAD = "groups:\n  - name: g\n    rules:\n"
CASES = {
    "valid": (HEAD + "      - alert: A\n        expr: up == 0\n        for: 5m\n        labels: {s: x}\n", True),
    "valid-record": (HEAD + "      - record: job:up:sum\n        expr: sum by (job) (up)\n", True),
    "record-and-alert": (HEAD + "      - alert: A\n        record: b\n        expr: up\n", False),
    "neither": (HEAD + "      - expr: up\n", False),
    "no-expr": (HEAD + "      - alert: A\n", False),
    "bad-expr": (HEAD + "      - alert: A\n        expr: sum(up\n", False),
    "bad-duration": (HEAD + "      - alert: A\n        expr: up\n        for: 5 minutes\n", False),
    "bare-duration": (HEAD + "      - alert: A\n        expr: up\n        for: 5\n", False),
    "empty-record-name": (HEAD + "      - record: ''\n        expr: up\n", False),
    "for-on-record": (HEAD + "      - record: a\n        expr: up\n        for: 1m\n", False),
    "annotations-on-record": (HEAD + "      - record: a\n        expr: up\n        annotations: {a: b}\n", False),
    "name-label": (HEAD + "      - alert: A\n        expr: up\n        labels: {__name__: x}\n", False),
    "bad-template": (HEAD + "      - alert: A\n        expr: up\n        annotations: {s: '{{ $labels'}\n", False),
    "unknown-function": (
        HEAD + "      - alert: A\n        expr: up\n        annotations: {s: '{{ humanise 1 }}'}\n",
        False,
    ),
    "unknown-key": (HEAD + "      - alert: A\n        expr: up\n        expresion: up\n", False),
    "repeated-group": ("groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n", False),
    "empty-group-name": ("groups:\n  - name: ''\n    rules: []\n", False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_verdict_as_promtool(tmp_path: Path, name: str) -> None:
    text, valid = CASES[name]
    path = tmp_path / "rules.yml"
    path.write_text(text)
    peer = run_promtool("check", "rules", str(path))
    try:
        load_rule_file(path)
        ours = True
    except SourceError as exc:
        ours = False
        assert str(exc).startswith(f"{path}:"), str(exc)
    assert (ours, peer.returncode == 0) == (valid, valid), peer.stdout + peer.stderr


# Prometheus 3 validates names as UTF-8 (promtool 3 too); Debian's promtool 2.42 still wants [a-zA-Z_][a-zA-Z0-9_]*.
UTF8_NAMES = {
    "record-with-dash": HEAD + "      - record: a-b\n        expr: up\n",
    "label-with-dash": HEAD + "      - alert: A\n        expr: up\n        labels: {bad-label: x, 0bad: y}\n",
    "annotation-with-dot": HEAD + "      - alert: A\n        expr: up\n        annotations: {a.b: x}\n",
}


@pytest.mark.parametrize("name", sorted(UTF8_NAMES))
def test_utf8_names_accepted_as_prometheus_3_does(tmp_path: Path, name: str) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(UTF8_NAMES[name])
    assert load_rule_file(path)[0].rules[0].expr == "up"
    assert run_promtool("check", "rules", str(path)).returncode != 0  # promtool 2.42: the Prometheus 2 rule
