# Wiring only: the opsverify plugin itself is loaded through its pytest11 entry point (src/opsverify/plugin.py).
# Keep `pytest` run from the top level away from the lab's files and the example data.
collect_ignore = ["fixtures", "benchmarks", "reports", ".venv"]
