"""Rule-test wall time when alerts read ``ALERTS``: opsverify next to `promtool test rules` on one synthetic file.

1000 rules (``--jobs 500``): per service an alert ``Down_i`` (``up == 0`` for 5m) and an alert ``Degraded_i`` that
fires on errors ``unless on (job) ALERTS{alertname="Down_i", alertstate="firing"}`` (inhibition-style), evaluated
every minute over one day (1441 evaluations). Prints wall times, exit codes and ours/promtool. Never asserts on time.

    .venv/bin/python benchmarks/rules_alerts_vs_promtool.py [--jobs 500] [--repeat 1]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAY_STEPS = 1440


def rules(jobs: int) -> str:
    out = ["groups:", "  - name: down", "    rules:"]
    for i in range(jobs):
        out += [
            f"      - alert: Down_{i}",
            f"        expr: 'up{{job=\"svc-{i}\"}} == 0'",
            "        for: 5m",
            "        labels: {severity: critical}",
        ]
    out += ["  - name: degraded", "    rules:"]
    for i in range(jobs):
        expr = (
            f'rate(http_requests_total{{job="svc-{i}", status="500"}}[5m]) > 0.05'
            f' unless on (job) ALERTS{{alertname="Down_{i}", alertstate="firing"}}'
        )
        out += [
            f"      - alert: Degraded_{i}",
            f"        expr: '{expr}'",
            "        for: 10m",
            "        labels: {severity: warning}",
            "        annotations: {summary: '{{ $labels.job }} degraded'}",
        ]
    return "\n".join(out) + "\n"


def tests(jobs: int) -> str:
    series, cases = [], []
    for i in range(jobs):
        down = i % 2 == 0  # down for the second half of the day: Degraded_i is inhibited then
        up = f"1x{DAY_STEPS // 2} 0x{DAY_STEPS // 2}" if down else f"1x{DAY_STEPS}"
        series += [
            f"      - series: 'up{{job=\"svc-{i}\"}}'\n        values: '{up}'",
            f"      - series: 'http_requests_total{{job=\"svc-{i}\", status=\"500\"}}'\n        values: '0+6x{DAY_STEPS}'",
        ]
    for i in range(min(jobs, 20)):
        job, down = f"svc-{i}", i % 2 == 0
        firing = (
            ""
            if down
            else f"\n        exp_alerts: [{{exp_labels: {{job: {job}, status: '500', severity: warning}}, exp_annotations: {{summary: {job} degraded}}}}]"
        )
        cases.append(f"      - eval_time: 24h\n        alertname: Degraded_{i}{firing}\n")
        if down:
            cases.append(
                f"      - eval_time: 24h\n        alertname: Down_{i}\n"
                f"        exp_alerts: [{{exp_labels: {{job: {job}, severity: critical}}}}]\n"
            )
    return (
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ngroup_eval_order: [down, degraded]\ntests:\n"
        "  - name: day\n    interval: 1m\n    input_series:\n"
        + "\n".join(series)
        + "\n    alert_rule_test:\n"
        + "".join(cases)
    )


def timed(cmd: list[str], cwd: Path, repeat: int) -> tuple[float, int, str]:
    best, code, out = float("inf"), -1, ""
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - started)
        code, out = proc.returncode, proc.stdout + proc.stderr
    return best, code, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500, help="services; rules = 2 x jobs")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is printed")
    parser.add_argument("--no-promtool", action="store_true")
    args = parser.parse_args()
    promtool = None if args.no_promtool else shutil.which("promtool")
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "rules.yml").write_text(rules(args.jobs))
        (cwd / "tests.yml").write_text(tests(args.jobs))
        code = "import sys; from opsverify.rules.cli import main; sys.exit(main(sys.argv[1:]))"
        ours, rc, out = timed([sys.executable, "-c", code, "tests.yml"], cwd, args.repeat)
        line = f"alerts-read {2 * args.jobs} rules, 1 day at 1m: ours {ours:7.2f}s (exit {rc})"
        if rc:
            print(out[-2000:])
        if promtool:
            theirs, prc, pout = timed([promtool, "test", "rules", "tests.yml"], cwd, args.repeat)
            line += f"   promtool {theirs:7.2f}s (exit {prc})   ratio ours/promtool {ours / theirs:5.2f}"
            if prc:
                print(pout[-2000:])
        print(line, flush=True)


if __name__ == "__main__":
    main()
