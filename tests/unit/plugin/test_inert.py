"""Installed in someone else's pytest project, opsverify changes nothing unless --inventory turns it on: the
same exit code, the same pytest-html title and columns, no option collisions, no INTERNALERROR."""

from __future__ import annotations

import re

import pytest

FOREIGN_CONFTEST = """
import pytest

def pytest_addoption(parser):
    parser.addoption("--env", default="dev")
    parser.addoption("--fail-on", default="never")

@pytest.fixture
def env(request):
    return request.config.getoption("--env")
"""

WITHOUT_OPSVERIFY = ["-p", "no:opsverify", "-p", "no:opsverify_rules"]


@pytest.fixture
def foreign(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(FOREIGN_CONFTEST)
    pytester.makepyfile(test_env="def test_env(env):\n    assert env == 'prod'\n")
    (pytester.path / "alerts.rules-test.yml").write_text("not: [a rule test\n")  # would break if we collected it
    return pytester


def _title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S)
    assert match is not None
    return match.group(1)


def _run(foreign: pytest.Pytester, name: str, *extra: str) -> tuple[int, str, str]:
    result = foreign.runpytest_subprocess("--env", "prod", f"--html={name}.html", "-p", "no:cacheprovider", *extra)
    html = (foreign.path / f"{name}.html").read_text()
    return result.ret, _title(html), "\n".join(result.outlines + result.errlines)


def test_a_foreign_project_runs_exactly_as_without_opsverify(foreign: pytest.Pytester) -> None:
    code, title, out = _run(foreign, "with")
    code_without, title_without, _ = _run(foreign, "without", *WITHOUT_OPSVERIFY)
    assert code == code_without == pytest.ExitCode.OK
    assert (title, title_without) == ("with.html", "without.html")  # pytest-html's own default title
    assert not [line for line in out.splitlines() if line.startswith("opsverify")]  # no summary of ours
    assert "Severity" not in (foreign.path / "with.html").read_text()


def test_a_collection_error_stays_the_projects_own(foreign: pytest.Pytester) -> None:
    foreign.makepyfile(test_broken="import a_module_that_does_not_exist_here\n")
    code, title, out = _run(foreign, "with")
    code_without, _, _ = _run(foreign, "without", *WITHOUT_OPSVERIFY)
    assert code == code_without == pytest.ExitCode.INTERRUPTED
    assert "INTERNALERROR" not in out
    assert "ModuleNotFoundError" in out
    assert title == "with.html"


def test_no_markers_columns_or_fixtures_without_an_inventory(foreign: pytest.Pytester) -> None:
    result = foreign.runpytest_subprocess("--markers")
    assert "opsverify" not in result.stdout.str()
    foreign.makepyfile(test_facts="def test_facts(facts):\n    pass\n")
    result = foreign.runpytest_subprocess("test_facts.py", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*fixture 'facts' not found*"])
