"""Differential check: our evaluator against Debian's promtool 2.42 on the same data and expressions.

Eval times and ranges are chosen away from window boundaries (where Prometheus 2 and 3 differ on purpose).
Prints how many (expression, time) cases agree, every disagreement, and both run times. Asserts nothing.
Needs ``promtool`` on PATH (``apt-get install prometheus``).

Known disagreement: ``mem offset -3m`` at the last eval time. promtool only loads input samples up to the
largest eval_time of a test group, so a negative offset past it reads an older sample; the evaluator (like
Prometheus 3 over a full TSDB) reads the sample 3 minutes later.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from opsverify.promql import Engine, InstantVector, PromQLError, Scalar, Storage

Result = dict[tuple[tuple[str, str], ...], float] | str

SERIES = {
    'http_requests_total{job="api",instance="a",code="200"}': "0+10x40",
    'http_requests_total{job="api",instance="b",code="200"}': "0+7x15 3+7x24",
    'http_requests_total{job="api",instance="a",code="500"}': "0+1x40",
    'http_requests_total{job="web",instance="c",code="200"}': "5+3x40",
    'mem{job="api",instance="a"}': "100 120 90 130 80 150 70 160 60x33",
    'mem{job="api",instance="b"}': "1+0.5x40",
    'mem{job="web",instance="c"}': "-5+1.25x40",
    'lat_bucket{job="api",le="0.1"}': "0+2x40",
    'lat_bucket{job="api",le="0.5"}': "0+5x40",
    'lat_bucket{job="api",le="1"}': "0+7x40",
    'lat_bucket{job="api",le="+Inf"}': "0+8x40",
    'lat_bucket{job="web",le="0.1"}': "0+1x40",
    'lat_bucket{job="web",le="0.5"}': "0+1x40",
    'lat_bucket{job="web",le="1"}': "0+3x40",
    'lat_bucket{job="web",le="+Inf"}': "0+3x40",
    'info_metric{instance="a",version="1.2"}': "1x40",
    'info_metric{instance="b",version="1.3"}': "1x40",
}
EXPRS = [
    "rate(http_requests_total[5m])",
    "irate(http_requests_total[3m])",
    "increase(http_requests_total[7m])",
    "delta(mem[4m])",
    "idelta(mem[4m])",
    "deriv(mem[6m])",
    "predict_linear(mem[6m], 600)",
    "sum by (job) (rate(http_requests_total[5m]))",
    "sum without (instance) (rate(http_requests_total[5m]))",
    "avg by (job) (mem)",
    "min(mem)",
    "max by (job) (mem)",
    "count by (job) (mem)",
    "group by (job) (mem)",
    "stddev by (job) (mem)",
    "stdvar(mem)",
    "quantile(0.3, mem)",
    "quantile by (job) (0.9, mem)",
    "topk(2, mem)",
    "bottomk by (job) (1, mem)",
    'count_values("v", round(mem))',
    "histogram_quantile(0.9, rate(lat_bucket[5m]))",
    "histogram_quantile(0.5, sum by (le) (rate(lat_bucket[5m])))",
    "histogram_quantile(0.99, lat_bucket)",
    "mem > 50",
    "mem > bool 50",
    "50 < mem",
    "mem + on(instance) group_left(version) info_metric",
    "mem * on(instance) group_left info_metric",
    "mem / ignoring(job) mem",
    "mem and on(instance) info_metric",
    "mem unless on(instance) info_metric",
    "mem or info_metric",
    "mem % 7",
    "mem ^ 2",
    "-mem",
    "mem == bool mem",
    "sum_over_time(mem[5m])",
    "avg_over_time(mem[5m])",
    "min_over_time(mem[9m])",
    "max_over_time(mem[9m])",
    "count_over_time(mem[9m])",
    "stddev_over_time(mem[9m])",
    "stdvar_over_time(mem[9m])",
    "quantile_over_time(0.75, mem[9m])",
    "last_over_time(mem[9m])",
    "present_over_time(mem[9m])",
    "changes(mem[9m])",
    "resets(mem[9m])",
    "resets(http_requests_total[20m])",
    'absent(nope{job="x"})',
    "absent_over_time(nope[5m])",
    "absent(mem)",
    "abs(mem - 100)",
    "ceil(mem / 7)",
    "floor(mem / 7)",
    "round(mem / 7)",
    "round(mem, 5)",
    "sqrt(mem)",
    "exp(mem / 100)",
    "ln(mem)",
    "log2(mem)",
    "log10(mem)",
    "sgn(mem - 100)",
    "clamp(mem, 80, 120)",
    "clamp_min(mem, 90)",
    "clamp_max(mem, 90)",
    "sin(mem)",
    "cos(mem)",
    "atan2(mem, 3)",
    "mem atan2 on(instance, job) mem",
    "deg(mem)",
    "rad(mem)",
    "scalar(sum(mem))",
    "vector(1)",
    "time()",
    "timestamp(mem)",
    "hour()",
    "minute(mem)",
    "day_of_week()",
    "days_in_month()",
    "year(mem * 1e7)",
    'label_replace(mem, "host", "h-$1", "instance", "(.*)")',
    'label_join(mem, "x", "-", "job", "instance")',
    "sum_over_time(mem[5m:30s])",
    "max_over_time(rate(http_requests_total[150s])[7m:1m])",
    "avg_over_time(sum by (job) (mem)[5m:])",
    "rate(http_requests_total[5m] offset 2m)",
    "mem offset -3m",
    "mem @ 300",
    "rate(http_requests_total[5m] @ 600)",
    "sum(mem) by (job) > on(job) group_left avg(mem) by (job)",
    "count(mem > 100) or vector(0)",
    "sort_desc(mem)",
    "max(mem) - min(mem)",
    "1 - mem / 1000",
    'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
    'http_requests_total{code!="200"}',
    'http_requests_total{instance=~"a|c", job!~"w.*"}',
    "mem > on(instance) group_left() info_metric",
    'label_replace(mem, "job", "", "job", ".*")',
]
EXPRS += [
    "sum by (job) (rate(http_requests_total[5m])) * on(job) group_left count by (job) (mem)",
    "topk by (job) (1, rate(http_requests_total[5m]))",
    "quantile_over_time(0.5, rate(http_requests_total[2m])[6m:30s])",
    "avg_over_time((mem > 90)[10m:1m])",
    "count_over_time((mem > bool 90)[10m:1m])",
    "sum(rate(http_requests_total[5m] offset 5m)) / sum(rate(http_requests_total[5m]))",
    "max_over_time(deriv(mem[270s])[8m:2m])",
    "histogram_quantile(0.75, sum by (le, job) (increase(lat_bucket[10m])))",
    'label_replace(sum by (instance) (mem), "i", "$1$1", "instance", "(.)")',
    "count(count by (job) (mem))",
    "sum without (code, instance) (http_requests_total) / ignoring(job) group_left sum(http_requests_total)",
    "mem - on(instance) group_left(version) (info_metric * 0)",
    "abs(delta(mem[10m])) > 5",
    "sort(rate(http_requests_total[5m]) > 0.05)",
    "changes(round(mem / 10)[10m:1m])",
    "resets(sum by (job) (http_requests_total)[15m:1m])",
    "stddev_over_time(avg by (job) (mem)[10m:2m])",
    "clamp(rate(http_requests_total[5m]), 0.02, 0.1)",
    "vector(3) * on() group_right mem",
    "scalar(max(mem)) - mem",
    "bottomk(2, mem) or topk(1, mem)",
    "mem unless mem > 100",
    "(mem > 50) and (mem < 150)",
    "exp(-rate(http_requests_total[5m]))",
    "predict_linear(sum by (job) (mem)[10m:1m], 300)",
    "timestamp(last_over_time(mem[10m]))",
    "min_over_time(timestamp(mem)[10m:1m])",
    "irate(http_requests_total[5m] @ 900)",
    "sum_over_time(mem[3m] offset 4m)",
    'count_values without (instance) ("c", round(mem / 50))',
]
TIMES = ["10m17s", "23m41s", "31m3s"]


def dur(s: str) -> int:
    total = 0
    for n, u in re.findall(r"(\d+)([hms])", s):
        total += int(n) * {"h": 3600, "m": 60, "s": 1}[u]
    return total * 1000


def ours() -> dict[tuple[str, str], Result]:
    st = Storage()
    st.load_series(SERIES, 60_000)
    eng = Engine(st, lookback_ms=300_000)
    out: dict[tuple[str, str], Result] = {}
    for e, t in itertools.product(EXPRS, TIMES):
        try:
            r = eng.instant(e, dur(t))
        except PromQLError:
            out[(e, t)] = "ERROR"
            continue
        if isinstance(r, Scalar):
            out[(e, t)] = {(): r.value}
        elif isinstance(r, InstantVector):
            out[(e, t)] = {tuple(sorted(s.labels.items())): s.value for s in r}
    return out


def promtool(workdir: Path) -> dict[tuple[str, str], Result]:
    lines = ["rule_files: []", "evaluation_interval: 1m", "tests:", "  - interval: 1m", "    input_series:"]
    for k, v in SERIES.items():
        lines += [f"      - series: '{k}'", f"        values: '{v}'"]
    lines.append("    promql_expr_test:")
    for e, t in itertools.product(EXPRS, TIMES):
        lines += [f"      - expr: '{e}'", f"        eval_time: {t}", "        exp_samples: []"]
    path = workdir / "diff.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = subprocess.run(["promtool", "test", "rules", str(path)], capture_output=True, text=True, check=False)
    text = res.stdout + res.stderr
    out: dict[tuple[str, str], Result] = {}
    for m in re.finditer(r'expr: "(.*?)", time: (\S+?),\n\s+exp: .*\n\s+got: (.*)\n', text):
        e = m.group(1).encode().decode("unicode_escape")
        t = m.group(2)
        got = m.group(3)
        out[(e, t)] = parse_got(got)
    for m in re.finditer(r'expr: "(.*?)", time: (\S+?), err: (.*)\n', text):
        out[(m.group(1).encode().decode("unicode_escape"), m.group(2))] = "ERROR"
    return out


def parse_got(got: str) -> Result:
    if got.strip() in ("nil", "[]"):
        return {}
    d: dict[tuple[tuple[str, str], ...], float] = {}
    for m in re.finditer(r"(\{[^}]*\}) (\S+?)(?:, |$)", got):
        labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1))))
        d[labels] = float(m.group(2))
    return d


def same(a: Result, b: Result) -> bool:
    if a == "ERROR" or b == "ERROR":
        return a == b
    assert not isinstance(a, str) and not isinstance(b, str)
    if set(a) != set(b):
        return False
    for k in a:
        x, y = a[k], b[k]
        if math.isnan(x) and math.isnan(y):
            continue
        if x == y:
            continue
        if abs(x - y) > 1e-9 * max(abs(x), abs(y)):
            return False
    return True


def main() -> None:
    if shutil.which("promtool") is None:
        print("promtool not found; install Debian's prometheus package")
        return
    t0 = time.perf_counter()
    o = ours()
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        p = promtool(Path(tmp))
    t2 = time.perf_counter()
    agree = 0
    for key, value in o.items():
        if same(value, p.get(key, {})):
            agree += 1
        else:
            print("DIFF", key, "\n   ours    ", value, "\n   promtool", p.get(key, {}))
    print(f"agree {agree}/{len(o)}; ours {t1 - t0:.2f} s, promtool {t2 - t1:.2f} s (incl. process start)")


if __name__ == "__main__":
    main()
