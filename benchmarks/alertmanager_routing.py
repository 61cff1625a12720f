"""Routing label sets through Alertmanager configs: ours (in process, one batch) vs amtool (one process per set).

Uses the differential test's configs and seeded label sets; prints label sets per second for both and how many
agree. Never asserts on time. Run: `.venv/bin/python benchmarks/alertmanager_routing.py [PER_CONFIG]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from opsverify.alertmanager.config import load_config
from opsverify.alertmanager.pipeline import evaluate
from tests.integration.alertmanager.labelsets import label_sets
from tests.integration.alertmanager.test_routing_vs_amtool import SEED, _amtool_input, _configs, amtool_route


def main() -> None:
    per_config = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    ours_s = theirs_s = 0.0
    total = agree = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in _configs():
            config = load_config(path)
            sets = label_sets(config, per_config, SEED + len(path.name))
            started = time.perf_counter()
            ours = [",".join(o.receivers) for o in (evaluate(config, [s])[0] for s in sets)]
            ours_s += time.perf_counter() - started
            target = _amtool_input(path, Path(tmp))
            started = time.perf_counter()
            theirs = [amtool_route(target, s) for s in sets]
            theirs_s += time.perf_counter() - started
            total += len(sets)
            agree += sum(a == b for a, b in zip(ours, theirs, strict=True))
    print(f"{total} label sets over {len(_configs())} configs; agree with amtool: {agree}/{total}")
    print(f"opsverify: {ours_s * 1000:8.1f} ms  ({total / ours_s:10.0f} sets/s, in process)")
    print(f"amtool:    {theirs_s * 1000:8.1f} ms  ({total / theirs_s:10.0f} sets/s, one process per set)")


if __name__ == "__main__":
    main()
