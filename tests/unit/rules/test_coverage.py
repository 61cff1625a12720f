"""``rules test --coverage`` / ``--min-coverage``: alerting rules no case expects firing, recording rules no
expression case reads, per rule file and group."""

from __future__ import annotations

import io
from pathlib import Path

from rules_peers import shared_dir

from opsverify.rules.cli import main

STACK = Path(__file__).resolve().parents[3] / "fixtures" / "rules" / "stack.rules-test.yml"


def test_example_rules_table_and_min_coverage() -> None:
    out = io.StringIO()
    assert main([str(STACK)], out=out, coverage=True, min_coverage=80) == 0
    text = out.getvalue()
    assert "group stack-records:  alerts 0/0  records 1/2  not covered: record job:http_errors:rate5m" in text
    assert "group stack-alerts:  alerts 7/7  records 0/0  not covered: -" in text
    assert "TOTAL: 8/9 rules covered (88.9%)" in text
    strict = io.StringIO()
    assert main([str(STACK)], out=strict, min_coverage=90) == 1  # --min-coverage implies the report
    assert "FAILED: rule coverage 88.9% is below --min-coverage 90%" in strict.getvalue()


def test_shared_corpora_coverage_table() -> None:
    corpora = shared_dir() / "rule-corpora"
    out = io.StringIO()
    paths = [str(corpora / "thanos/tests.yaml"), str(corpora / "etcd/test.yaml")]
    main(paths, out=out, coverage=True)
    text = out.getvalue()
    assert (
        "group thanos-sidecar:  alerts 1/2  records 0/0  not covered: alert ThanosSidecarBucketOperationsFailed" in text
    )
    assert "TOTAL: 7/79 rules covered (8.9%)" in text
