"""Figures for the rules-engine workload: N alert expressions evaluated over one day at 1 m steps.

Prints wall time; asserts nothing (see GUIDE section 6).
"""

from __future__ import annotations

import time

from opsverify.promql import Engine, Storage

EXPRESSIONS = [
    'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05',
    "up == 0",
    "avg_over_time(node_load1[10m]) > 2",
    "histogram_quantile(0.99, sum by (le, job) (rate(request_duration_seconds_bucket[5m]))) > 0.5",
    'absent(up{job="db"})',
    "max_over_time(node_load1[1h:5m]) > 3",
    "predict_linear(node_filesystem_free_bytes[1h], 4 * 3600) < 0",
    "changes(up[15m]) > 2",
    "topk(3, sum by (instance) (rate(http_requests_total[5m])))",
    'label_replace(up, "host", "$1", "instance", "(.*):.*") == 1',
]


def build_storage(minutes: int) -> Storage:
    storage = Storage()
    interval = 60_000
    for job in ("api", "web", "db"):
        for inst in range(3):
            base = {"job": job, "instance": f"h{inst}:9100"}
            storage.load_series({_sel("up", base): f"1x{minutes}"}, interval)
            storage.load_series({_sel("node_load1", base): f"1+0.001x{minutes}"}, interval)
            storage.load_series({_sel("node_filesystem_free_bytes", base): f"1e9-1e5x{minutes}"}, interval)
            for code in ("200", "500"):
                lbl = {**base, "code": code}
                storage.load_series(
                    {_sel("http_requests_total", lbl): f"0+{7 if code == '200' else 1}x{minutes}"}, interval
                )
            for i, le in enumerate(("0.1", "0.5", "1", "+Inf")):
                lbl = {**base, "le": le}
                storage.load_series({_sel("request_duration_seconds_bucket", lbl): f"0+{i + 1}x{minutes}"}, interval)
    return storage


def _sel(name: str, labels: dict[str, str]) -> str:
    return name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


def main() -> None:
    minutes = 24 * 60
    storage = build_storage(minutes + 60)
    engine = Engine(storage)
    rules = (EXPRESSIONS * 10)[:100]
    t0 = time.perf_counter()
    for expr in rules:
        engine.range(expr, 0, minutes * 60_000, 60_000)
    elapsed = time.perf_counter() - t0
    print(
        f"100 rules x {minutes + 1} steps (1 day at 1m), 189 series: "
        f"{elapsed:.2f} s total, {elapsed / 100 * 1000:.1f} ms/rule"
    )
    t0 = time.perf_counter()
    for expr in rules[:10]:
        for t in range(0, 60 * 60_000, 60_000):
            engine.instant(expr, t)
    per_step = (time.perf_counter() - t0) / 600
    print(f"same rules as instant queries, one step at a time: {per_step * 1000:.2f} ms/step/rule")


if __name__ == "__main__":
    main()
