"""The lab's example Alertmanager config passes its tests; each mutated copy fails with a clear one-line reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsverify.alertmanager.runner import run_paths

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "alertmanager"
TESTS = str(FIXTURES / "lab.am-test.yml")


def failures(config: str | None = None) -> list[str]:
    return [f.message for r in run_paths([TESTS], config) for f in r.failures]


def test_lab_tests_pass_on_the_example_config() -> None:
    results = run_paths([TESTS])
    assert len(results) >= 14
    assert failures() == []


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (
            "routing",
            "DiskAlmostFull{cluster=lab,instance=node:9100,job=node,severity=warning}: routed to [ops-chat], "
            'expected [storage-chat, ops-chat]; path: root -> severity=~"warning|info"',
        ),
        (
            "inhibition",
            "HighErrorRate{cluster=lab,job=web,severity=warning}: inhibited (inhibit_rules[0] by "
            "APIDown{cluster=lab,instance=api:8080,job=api,severity=critical}), expected not inhibited",
        ),
        (
            "time-interval",
            "HighErrorRate{cluster=lab,job=api,severity=warning}: not muted, expected muted by [year-end-freeze]; "
            'path: root -> severity=~"warning|info"',
        ),
    ],
)
def test_each_mutated_copy_fails_with_a_clear_line(mutation: str, expected: str) -> None:
    got = failures(str(FIXTURES / "mutated" / f"{mutation}.yml"))
    assert expected in got, "\n".join(got)


def test_mutated_copies_differ_from_the_original_in_one_place() -> None:
    original = (FIXTURES / "alertmanager.yml").read_text().splitlines()
    for path in sorted((FIXTURES / "mutated").glob("*.yml")):
        lines = [x for x in path.read_text().splitlines() if not x.startswith("#")]
        body = [x for x in original if not x.startswith("#")]
        changed = [a for a, b in zip(body, lines, strict=True) if a != b and "templates:" not in a]
        assert len(changed) == 1, (path.name, changed)
