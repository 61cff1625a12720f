"""summary.md and results.prom from a RunResult: escaping, links, and the real Prometheus parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from opsverify.report import markdown, promfile

from .conftest import make_run


def test_markdown_is_inert_and_links_the_published_report(t0):
    run = make_run([("test_up[a|b]", "critical", "failed")], at=t0)
    run.checks[0].reason = "a|b: <script>x</script> *bold* _it_ [link](javascript:x) `code` \\ end\nsecond line"
    text = markdown.render(run, "https://ci.example/job/7/artifact/reports/readiness.html")
    line = next(li for li in text.splitlines() if li.startswith("- **critical**"))
    assert line == (
        "- **critical** test\\_up\\[a\\|b\\]: a\\|b: &lt;script&gt;x&lt;/script&gt; \\*bold\\* \\_it\\_ "
        "\\[link\\](javascript:x) \\`code\\` \\\\ end second line"
    )
    assert text.rstrip().endswith(
        "Full report: [https://ci.example/job/7/artifact/reports/readiness.html]"
        "(https://ci.example/job/7/artifact/reports/readiness.html)"
    )


def test_markdown_without_history_lists_failures_not_news(t0):
    run = make_run([("a[x]", "warning", "failed"), ("b[y]", "info", "passed")], at=t0)
    text = markdown.render(run)
    assert "### Failures (1)" in text and "New since" not in text and "Fixed" not in text
    assert "| warning | 1 | 0 | 0 | 0 |" in text and "| info | 0 | 1 | 0 | 0 |" in text


def test_prom_label_values_are_escaped_and_parse_back(t0):
    run = make_run([('test_x[we"ird\\name]', "critical", "failed")], at=t0)
    run.checks[0].target = 'we"ird\\name\nline'
    text = promfile.render(run, 1796112000.5)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    (sample,) = families["opsverify_check_ok"].samples
    assert sample.labels["target"] == 'we"ird\\name\nline' and sample.labels["check"] == 'test_x[we"ird\\name]'
    assert sample.value == 0.0
    assert families["opsverify_run_timestamp_seconds"].samples[0].value == 1796112000.5
    assert families["opsverify_run_passed"].samples[0].value == 0.0


def test_prom_file_is_replaced_atomically(tmp_path, t0):
    path = tmp_path / "results.prom"
    path.write_text("old\n")
    promfile.write(make_run([("a[x]", "critical", "passed")], at=t0), path, 1.0)
    assert "opsverify_check_ok" in path.read_text() and oct(path.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir()] == ["results.prom"]  # no temporary file left behind
