"""Our template rendering against promtool's: the same rules and inputs, annotations read from promtool's
failure output (the expected alerts are deliberately wrong so promtool prints what it got)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from rules_peers import run_promtool

from opsverify.rules.runner import load_runner
from opsverify.rules.template.parser import unquote

VALUES = [
    0.0,
    1.0,
    42.0,
    123456.0,
    1e6,
    1234567.5,
    1.234e-05,
    0.1 + 0.2,
    0.001,
    1e21,
    1e-7,
    2.5e9,
    1099511627776.0,
    -3725.0,
    0.5,
    59.0,
    90061.0,
    1.7e9 + 0.123,
    1.5,
    math.nan,
    math.inf,
    -math.inf,
    -0.0,
]
TEMPLATES = {
    "value": "{{ $value }}",
    "labels": "{{ $labels }}",
    "humanize": "{{ $value | humanize }}",
    "humanize1024": "{{ $value | humanize1024 }}",
    "duration": "{{ $value | humanizeDuration }}",
    "percentage": "{{ $value | humanizePercentage }}",
    "timestamp": "{{ $value | humanizeTimestamp }}",
    "printf": '{{ printf "%.2f|%g|%e|%v|%5.1f" $value $value $value $value $value }}',
    "job": "{{ $labels.job }}/{{ $labels.missing }}/{{ .Labels.instance | toUpper }}",
    "strings": '{{ .Labels.instance | stripPort }} {{ "a.b.c:80" | stripDomain }} {{ title "hello wide-world" }} '
    '{{ reReplaceAll "host-(.*):(.*)" "$2/$1" $labels.instance }} {{ match "^j" $labels.job }}',
    "control": "{{ if gt $value 100.0 }}big{{ else if lt $value 0.0 }}neg{{ else }}small{{ end }} "
    "{{ range $k, $v := $labels }}{{ $k }};{{ end }} {{ with $labels.missing }}x{{ else }}none{{ end }}",
    "query": '{{ with query "probe_value{case=\\"1\\"}" }}{{ . | first | value }}{{ end }} '
    '{{ query "count(probe_value)" | first | value }} {{ range query "probe_value{case=\\"2\\"}" }}'
    "{{ .Labels.job }}={{ .Value }}{{ end }}",
    "printf2": '{{ printf "%d %q %s %x %t" 42 "q" "s" 255 true }} {{ printf "%d" $value }} {{ len $labels }}',
    "error": "{{ $labels.job | humanize }}",
    "misc": '{{ range $i, $s := query "probe_value{case=\\"none\\"}" }}{{ $i }}{{ else }}empty{{ end }}|'
    '{{ with $labels.nope }}{{ . }}{{ else }}no{{ end }}|{{ (query "probe_value{case=\\"4\\"}" | first).Labels.job }}|'
    '{{ and $labels.job 0 }}|{{ or "" $labels.case }}|{{ slice $labels.job 0 1 }}|{{ index $labels "case" }}|'
    '{{ print 1 2 "x" 3.5 }}|{{ println "a" 1 }}|{{ html "<a&b>" }}|{{ js "<x>=y" }}|{{ urlquery "a b&c" }}|'
    '{{- " trimmed " -}}|{{ len "héllo" }}|{{ $v := $value }}{{ $v }}|{{ printf "%6.2f|%-6d|%+d|%05d" 3.14159 42 7 -3 }}',
    # externalURL/pathPrefix/graphLink are left out: promtool has no external URL object and renders a nil-pointer
    # error for them; we render them as a Prometheus server would.
    "external": "{{ $externalLabels.cluster }}|{{ $externalLabels.nope }}|{{ $externalURL }}",
}


def notation(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return "-0" if v == 0 and math.copysign(1, v) < 0 else repr(v)


def write_case_files(tmp_path: Path) -> Path:
    annotations = "\n".join(f"          {k}: '{t}'" for k, t in TEMPLATES.items())
    (tmp_path / "rules.yml").write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: Probe\n        expr: probe_value\n"
        "        annotations:\n" + annotations + "\n"
    )
    series = "\n".join(
        f'      - series: \'probe_value{{case="{i}", job="j{i}", instance="host-{i}:9090"}}\'\n'
        f"        values: '{notation(v)}'"
        for i, v in enumerate(VALUES)
    )
    tests = tmp_path / "tests.yml"
    tests.write_text(
        "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    external_labels: {cluster: eu-1}\n"
        "    external_url: http://prom.example.com:9090/prometheus\n    input_series:\n" + series + "\n"
        "    alert_rule_test:\n      - eval_time: 0m\n        alertname: Probe\n"
        "        exp_alerts:\n          - exp_labels: {case: deliberately-wrong}\n"
    )
    return tests


_PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_got(stderr: str) -> dict[str, dict[str, str]]:
    """Annotations per case label from promtool's ``got:[...]`` block."""
    block = stderr.split("got:[", 1)[1]
    out: dict[str, dict[str, str]] = {}
    labels: dict[str, str] = {}
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("Labels:"):
            labels = {k: unquote(f'"{v}"') for k, v in _PAIR.findall(line)}
        elif line.startswith("Annotations:"):
            out[labels["case"]] = {k: unquote(f'"{v}"') for k, v in _PAIR.findall(line)}
    return out


def test_annotations_match_promtool(tmp_path: Path) -> None:
    tests = write_case_files(tmp_path)
    peer = run_promtool("test", "rules", str(tests))
    assert peer.returncode == 1, peer.stdout + peer.stderr
    theirs = parse_got(peer.stderr)
    assert sorted(theirs) == sorted(str(i) for i in range(len(VALUES)))
    result = load_runner(tests).run_group(0)
    (case,) = result.cases
    ours = {dict(view.labels)["case"]: dict(view.annotations) for view in case.got}
    mismatches = {
        (VALUES[int(c)], key): (ours[c].get(key), theirs[c][key])
        for c in theirs
        for key in TEMPLATES
        if ours.get(c, {}).get(key) != theirs[c][key]
    }
    assert mismatches == {}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_is_exercised(name: str) -> None:
    assert "{{" in TEMPLATES[name]
