"""Rule-test wall time: opsverify's runner next to `promtool test rules` on the same files.

Corpora: ../shared/rule-corpora (thanos, etcd; or $OPSVERIFY_SHARED) and a synthetic corpus generated into a temp
dir (100 rules in 5 groups, 20 services, evaluated over one day at 1m; "synth-steps" is the same with the alert
groups evaluated before the recording rules they read, which forces 60 rules onto the step-by-step path). Prints
wall times, exit codes and the ratio ours/promtool. Never asserts on time.

    .venv/bin/python benchmarks/rules_vs_promtool.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOBS = 20
DAY_STEPS = 1440


def synthetic_rules() -> str:
    out = ["groups:"]
    out += ["  - name: records", "    rules:"]
    for i in range(JOBS):
        out += [
            f"      - record: job:http_requests:rate5m_{i}",
            f'        expr: sum by (job) (rate(http_requests_total{{job="svc-{i}"}}[5m]))',
            f"      - record: job:http_errors:rate5m_{i}",
            f'        expr: sum by (job) (rate(http_requests_total{{job="svc-{i}", status="500"}}[5m]))',
        ]
    templates = {
        "errors": ("ErrorRatio", "job:http_errors:rate5m_{i} / job:http_requests:rate5m_{i} > 0.05", "10m", "warning"),
        "down": ("Down", 'up{{job="svc-{i}"}} == 0', "5m", "critical"),
        "latency": (
            "LatencyHigh",
            'histogram_quantile(0.9, sum by (job, le) (rate(latency_bucket{{job="svc-{i}"}}[5m]))) > 0.3',
            "15m",
            "warning",
        ),
    }
    for group, (name, expr, hold, severity) in templates.items():
        out += [f"  - name: {group}", "    rules:"]
        for i in range(JOBS):
            out += [
                f"      - alert: {name}_{i}",
                f"        expr: '{expr.format(i=i)}'",
                f"        for: {hold}",
                f"        labels: {{severity: {severity}}}",
                "        annotations: {summary: '{{ $labels.job }} " + name + "'}",
            ]
    return "\n".join(out) + "\n"


def synthetic_series() -> list[str]:
    lines = []
    for i in range(JOBS):
        job = f"svc-{i}"
        slow = i % 3 == 0
        series = {
            f'http_requests_total{{job="{job}", status="200"}}': f"0+100x{DAY_STEPS}",
            f'http_requests_total{{job="{job}", status="500"}}': f"0+{i % 10}x{DAY_STEPS}",
            f'up{{job="{job}"}}': f"1x{DAY_STEPS // 2} 0x{DAY_STEPS // 2}" if i % 2 == 0 else f"1x{DAY_STEPS}",
            f'latency_bucket{{job="{job}", le="0.1"}}': f"0+{10 if slow else 95}x{DAY_STEPS}",
            f'latency_bucket{{job="{job}", le="0.5"}}': f"0+{50 if slow else 100}x{DAY_STEPS}",
            f'latency_bucket{{job="{job}", le="+Inf"}}': f"0+100x{DAY_STEPS}",
        }
        lines += [f"      - series: '{k}'\n        values: '{v}'" for k, v in series.items()]
    return lines


def expected(name: str, i: int) -> bool:
    return {"ErrorRatio": i % 10 >= 6, "Down": i % 2 == 0, "LatencyHigh": i % 3 == 0}[name]


def synthetic_tests() -> str:
    cases = []
    for name, severity in (("ErrorRatio", "warning"), ("Down", "critical"), ("LatencyHigh", "warning")):
        for i in range(JOBS):
            case = f"      - eval_time: 24h\n        alertname: {name}_{i}\n"
            if expected(name, i):
                case += (
                    f"        exp_alerts:\n          - exp_labels: {{job: svc-{i}, severity: {severity}}}\n"
                    f"            exp_annotations: {{summary: svc-{i} {name}}}\n"
                )
            cases.append(case)
    return (
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - name: day\n    interval: 1m\n"
        "    input_series:\n" + "\n".join(synthetic_series()) + "\n    alert_rule_test:\n" + "".join(cases)
    )


def write_synthetic(directory: Path) -> tuple[Path, Path]:
    """The synthetic test file, and a variant evaluating the alert groups before the recording rules they read
    (those 60 rules then take the step-by-step path)."""
    (directory / "rules.yml").write_text(synthetic_rules())
    tests = directory / "tests.yml"
    tests.write_text(synthetic_tests())
    reordered = directory / "tests_reordered.yml"
    order = "group_eval_order: [errors, down, latency, records]\n"
    reordered.write_text(synthetic_tests().replace("tests:\n", order + "tests:\n", 1))
    return tests, reordered


def timed(cmd: list[str], cwd: Path, repeat: int) -> tuple[float, int]:
    best, code = float("inf"), -1
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - started)
        code = proc.returncode
    return best, code


def ours_cmd(files: list[str]) -> list[str]:
    code = "import sys; from opsverify.rules.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *files]


def report(name: str, cwd: Path, files: list[str], promtool: str | None, repeat: int) -> None:
    ours, ours_rc = timed(ours_cmd(files), cwd, repeat)
    line = f"{name:<12} ours {ours:7.3f}s (exit {ours_rc})"
    if promtool:
        theirs, rc = timed([promtool, "test", "rules", *files], cwd, repeat)
        line += f"   promtool {theirs:7.3f}s (exit {rc})   ratio ours/promtool {ours / theirs:6.2f}"
    else:
        line += "   promtool: not installed"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is printed")
    args = parser.parse_args()
    promtool = shutil.which("promtool")
    shared = Path(os.environ.get("OPSVERIFY_SHARED") or Path(__file__).resolve().parents[2] / "shared")
    corpora = shared / "rule-corpora"
    print(f"best of {args.repeat}; wall time includes process start for both tools")
    if corpora.is_dir():
        report("thanos", corpora, ["thanos/tests.yaml"], promtool, args.repeat)
        report("etcd", corpora, ["etcd/test.yaml"], promtool, args.repeat)
    else:
        print(f"{corpora} missing: shared corpora skipped")
    with tempfile.TemporaryDirectory() as tmp:
        tests, reordered = write_synthetic(Path(tmp))
        report("synthetic", Path(tmp), [tests.name], promtool, args.repeat)
        report("synth-steps", Path(tmp), [reordered.name], promtool, args.repeat)
    print("(etcd exits 1 for us by design: one case depends on Prometheus 2's inclusive lookback boundary)")


if __name__ == "__main__":
    main()
