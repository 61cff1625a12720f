"""Reports of an Alertmanager test run: text for people, JSON, JUnit XML (one testsuite per file)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from .runner import AlertResult


def print_text(results: list[AlertResult], out: TextIO) -> None:
    for r in results:
        if r.passed:
            continue
        print(f"FAIL {r.node_id} ({r.file}:{r.line})", file=out)
        for line in r.message().splitlines():
            print(f"  {line}", file=out)
    failed = sum(1 for r in results if not r.passed)
    print(f"{len(results) - failed} passed, {failed} failed", file=out)


def as_json(results: list[AlertResult]) -> str:
    items = [
        {
            "file": r.file,
            "test": r.test,
            "alert": r.alert,
            "line": r.line,
            "passed": r.passed,
            "failures": [{"message": f.message, "diff": f.diff} for f in r.failures],
            "observed": r.observed,
        }
        for r in results
    ]
    summary = {"passed": sum(r.passed for r in results), "failed": sum(not r.passed for r in results)}
    return json.dumps({"summary": summary, "results": items}, indent=2, ensure_ascii=False)


def write_junit(path: str, results: list[AlertResult]) -> None:
    root = ET.Element("testsuites")
    files: dict[str, list[AlertResult]] = {}
    for r in results:
        files.setdefault(r.file, []).append(r)
    for file, items in files.items():
        failures = sum(1 for r in items if not r.passed)
        suite = ET.SubElement(root, "testsuite", name=file, tests=str(len(items)), failures=str(failures), errors="0")
        for r in items:
            case = ET.SubElement(suite, "testcase", name=f"{r.test}::{r.alert}", classname=file)
            if not r.passed:
                ET.SubElement(case, "failure", message=r.failures[0].message).text = r.message()
    tree = ET.ElementTree(root)
    ET.indent(tree)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
