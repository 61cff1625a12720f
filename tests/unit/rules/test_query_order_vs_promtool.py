"""Template ``query`` results keep the engine's order (sort_desc, topk, ...), as promtool does: ``query ... | first``
picks the same series. (promtool's order of a plain selector follows Go map iteration when it loads input series,
so it varies from run to run; only orders the query itself fixes are compared.)"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rules_peers import run_promtool

from opsverify.rules.cli import main

RULES = """groups:
  - name: g
    rules:
      - alert: Order
        expr: vector(1)
        annotations:
          topk: '{{ range query "topk(3, x)" }}{{ .Labels.a }}{{ end }}'
          sortdesc: '{{ range query "sort_desc(x)" }}{{ .Labels.a }}{{ end }}'
          bottomk: '{{ range query "bottomk(2, x)" }}{{ .Labels.a }}{{ end }}'
          first: '{{ query "sort_desc(x)" | first | label "a" }}'
"""
TESTS = """rule_files: [r.yml]
tests:
  - input_series:
      - {series: 'x{a="1"}', values: '1'}
      - {series: 'x{a="2"}', values: '5'}
      - {series: 'x{a="3"}', values: '3'}
      - {series: 'x{a="4"}', values: '4'}
    alert_rule_test:
      - eval_time: 0m
        alertname: Order
        exp_alerts: [{exp_annotations: {x: y}}]
"""
_GOT = re.compile(r"got:\[\n.*?Annotations:(\{[^\n]*\})", re.DOTALL)


def test_query_order_matches_promtool(tmp_path: Path) -> None:
    (tmp_path / "r.yml").write_text(RULES)
    (tmp_path / "t.yml").write_text(TESTS)
    peer = run_promtool("test", "rules", str(tmp_path / "t.yml"))
    theirs = _GOT.search(peer.stdout + peer.stderr)
    assert theirs is not None, peer.stdout + peer.stderr
    out = io.StringIO()
    assert main([str(tmp_path / "t.yml")], out=out) == 1
    ours = _GOT.search(out.getvalue())
    assert ours is not None
    assert ours.group(1) == theirs.group(1) == '{bottomk="13", first="2", sortdesc="2431", topk="243"}'
