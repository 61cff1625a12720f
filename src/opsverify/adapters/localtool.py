"""Run a local tool (promtool, amtool) from a probe thread: bounded in time, errors in words.

The environment is passed as an explicit copy: pytest sets and unsets PYTEST_CURRENT_TEST while probe threads
spawn processes, and a spawn reading the environment as it changes can fail with ``[Errno 14] Bad address``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class ToolRun:
    returncode: int | None  # None: it did not run to the end
    output: str  # stdout + stderr
    error: str | None = None  # why it did not run to the end, in words


def run_tool(argv: list[str], timeout: float) -> ToolRun:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=dict(os.environ), check=False)
    except subprocess.TimeoutExpired:
        return ToolRun(None, "", f"{os.path.basename(argv[0])} {argv[1]} did not finish in {timeout:g}s")
    except OSError as exc:
        return ToolRun(None, "", f"{os.path.basename(argv[0])} could not run: {exc.strerror or exc}")
    return ToolRun(done.returncode, done.stdout + done.stderr)
