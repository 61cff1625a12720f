"""A small JSON-over-HTTP client for server APIs (Prometheus, Alertmanager, Grafana): every call is bounded by the
timeout and returns an :class:`Answer`; transport errors are mapped once, by :func:`http.describe_error`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from ..masking import MASKER
from ..verdict import shorten
from .http import Deadline, describe_error, read_capped

MAX_ANSWER = 64 * 1048576  # a big Prometheus /api/v1/series answer fits; a runaway one does not


@dataclass(frozen=True)
class Answer:
    status: int | None = None
    doc: Any = None
    error: str | None = None  # no answer (refused, timeout) or not JSON

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


class JsonApi:
    """One client per gather; use as a context manager."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        headers: dict[str, str] | None = None,
        verify: bool = True,
        transport: httpx.BaseTransport | None = None,
        auth: tuple[str, str] | None = None,
    ) -> None:
        for value in (headers or {}).values():
            if value.lower().startswith(("bearer ", "basic ")):
                MASKER.add(value.split(" ", 1)[1])
        self.timeout = timeout
        self._client = httpx.Client(
            base_url=base_url, timeout=timeout, headers=headers, verify=verify, transport=transport, auth=auth
        )

    def __enter__(self) -> JsonApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def get(self, path: str, params: Any = None, auth: tuple[str, str] | None = None) -> Answer:
        return self.call("GET", path, params=params, auth=auth)

    def post(self, path: str, body: Any) -> Answer:
        return self.call("POST", path, body=body)

    def call(self, method: str, path: str, params: Any = None, body: Any = None, auth: Any = None) -> Answer:
        """One exchange, bounded in time as a whole (not only between reads) and in size."""
        started = time.monotonic()
        deadline = Deadline(self.timeout)
        try:
            kwargs: dict[str, Any] = {"params": params, "json": body, "extensions": {"trace": deadline.trace}}
            if auth is not None:
                kwargs["auth"] = auth
            with deadline, self._client.stream(method, path, **kwargs) as response:
                content, truncated = read_capped(response, MAX_ANSWER, started + self.timeout)
        except httpx.HTTPError as exc:
            return Answer(error=describe_error(exc, self.timeout, overran=deadline.fired))
        if truncated:
            return Answer(response.status_code, error=f"answer larger than {MAX_ANSWER // 1048576} MiB, not parsed")
        if not content:
            return Answer(response.status_code, None)
        try:
            return Answer(response.status_code, json.loads(content))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return Answer(response.status_code, content.decode("utf-8", errors="replace"))


def api_error(answer: Answer, what: str) -> str | None:
    """Why ``answer`` is not a usable success, in words (None when it is)."""
    if answer.error:
        return f"{what}: {answer.error}"
    if not answer.ok:
        detail = answer.doc.get("error") or answer.doc.get("message") if isinstance(answer.doc, dict) else answer.doc
        return f"{what}: HTTP {answer.status}: {shorten(json.dumps(detail) if detail is not None else '', 100)}"
    return None
