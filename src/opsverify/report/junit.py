"""JUnit for CI: pytest's ``--junitxml`` file, rewritten after pytest wrote it so that

- it validates against the Jenkins JUnit schema (no ``file``/``line`` attributes and no ``<properties>`` on a
  ``<testcase>``; ``<skipped>`` carries its message as text, not as attributes);
- every opsverify failure shows its severity where GitLab and Jenkins display it: the failure message starts with
  ``[critical]`` (``[warning]``, ``[info]``);
- a failure *below* ``--fail-on`` becomes ``<skipped>`` with the text ``[info] below --fail-on warning, does not fail
  the run: <reason>``. The run exits 0 in that case, and a ``<failure>`` would make Jenkins mark the build UNSTABLE
  and GitLab show the pipeline's test report red while the job passed; a skipped test is shown with its message in
  both, is counted apart, and turns nothing red;
- ``time`` is the check's real duration (its probe's run time plus the check itself; pytest would report the
  ~0 s a check takes once its prefetched facts are there).

Testcases that are not opsverify checks (plain pytest tests) keep their outcome; they lose only what the schema
forbids. The per-check data formerly in ``<properties>`` (target, kind, measured value) is in ``results.json``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..severity import at_least
from .results import CheckResult

_TESTCASE_ATTRS = ("name", "classname", "time", "assertions", "status")
_ORDER = {"skipped": 0, "error": 1, "failure": 2, "system-out": 3, "system-err": 4}


def address(nodeid: str, prefix: str | None = None) -> tuple[str, str]:
    """(classname, name) of a node id, as pytest's junitxml computes them (``--junit-prefix`` included)."""
    names = nodeid.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    if prefix:
        names.insert(0, prefix)
    return ".".join(names[:-1]), names[-1]


def rewrite(text: str, checks: Iterable[CheckResult], fail_on: str, prefix: str | None = None) -> str:
    root = ET.fromstring(text)
    ours = {address(c.nodeid, prefix): c for c in checks}
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        for case in suite.findall("testcase"):
            _case(case, ours.get((case.get("classname", ""), case.get("name", ""))), fail_on)
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            suite.set(attr, str(sum(1 for c in cases if c.find(tag) is not None)))
        suite.set("time", f"{max(float(suite.get('time', '0') or 0), 0.0):.3f}")
    if root.tag == "testsuites":
        for attr in list(root.attrib):
            if attr not in ("name", "time", "tests", "failures", "disabled", "errors"):
                del root.attrib[attr]
    return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode")


def _case(case: ET.Element, check: CheckResult | None, fail_on: str) -> None:
    for attr in list(case.attrib):
        if attr not in _TESTCASE_ATTRS:
            del case.attrib[attr]
    for props in case.findall("properties"):
        case.remove(props)
    for skipped in case.findall("skipped"):
        message = skipped.get("message", "")
        body = (skipped.text or "").strip()
        skipped.attrib.clear()
        skipped.text = message if not body or body == message else f"{message}\n{body}" if message else body
    if check is None:
        _order(case)
        return
    case.set("time", f"{check.duration_seconds:.3f}")
    tag = f"[{check.severity}]"
    bad = case.findall("failure") + case.findall("error")
    below = bool(bad) and check.outcome == "failed" and not at_least(check.severity, fail_on)
    for element in bad:
        message = element.get("message", "") or check.reason
        if below:
            case.remove(element)
            if case.find("skipped") is None:
                skipped = ET.Element("skipped")
                skipped.text = f"{tag} below --fail-on {fail_on}, does not fail the run: {message}"
                case.insert(0, skipped)
        else:
            element.set("message", f"{tag} {message}")
    for skipped in case.findall("skipped"):
        if check.outcome == "waived" and not (skipped.text or "").startswith("["):
            skipped.text = f"{tag} {skipped.text or ''}"
    _order(case)


def _order(case: ET.Element) -> None:
    children = list(case)
    for child in children:
        case.remove(child)
    for child in sorted(children, key=lambda c: _ORDER.get(c.tag, 9)):
        case.append(child)
