"""Gather network facts concurrently so N dead targets cost one timeout, not N.

The plugin submits every probe that the selected checks will need as soon as collection ends; each check then
waits only for its own result. Results are keyed, so checks sharing a target share one probe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class Prefetcher:
    def __init__(self, workers: int = 64) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="opsverify-probe")
        self._futures: dict[Hashable, Future[Any]] = {}
        self._lock = threading.Lock()

    def submit(self, key: Hashable, fn: Callable[[], Any]) -> Future[Any]:
        with self._lock:
            future = self._futures.get(key)
            if future is None:
                future = self._pool.submit(fn)
                self._futures[key] = future
            return future

    def get(self, key: Hashable, fn: Callable[[], Any]) -> Any:
        """The result for ``key``, running ``fn`` now if nobody submitted it; re-raises what ``fn`` raised."""
        return self.submit(key, fn).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
