"""JUnit XML for rule-test runs: one testsuite per test file, one testcase per test group (as promtool --junit)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import GroupResult


def write_junit(
    path: str, report: list[tuple[str, list[GroupResult], str, float]], coverage: float | None = None
) -> None:
    """``coverage`` (percent of rules covered, from --coverage) is a ``rule_coverage`` property of each suite."""
    root = ET.Element("testsuites")
    for file, results, fatal, seconds in report:
        failures = sum(1 for r in results if not r.passed) + (1 if fatal else 0)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(len(results) + (1 if fatal else 0)),
            failures=str(failures),
            errors="0",
            time=f"{seconds:.3f}",
        )
        if coverage is not None:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="rule_coverage", value=f"{coverage:.1f}")
        if fatal:
            case = ET.SubElement(suite, "testcase", name=file, classname=file)
            ET.SubElement(case, "failure", message=fatal.splitlines()[0]).text = fatal
        for r in results:
            name = r.name or f"unnamed#{r.index}"
            case = ET.SubElement(suite, "testcase", name=name, classname=file)
            if not r.passed:
                text = "\n\n".join(r.failures)
                ET.SubElement(case, "failure", message=r.failures[0].strip().splitlines()[0]).text = text
    tree = ET.ElementTree(root)
    ET.indent(tree)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
