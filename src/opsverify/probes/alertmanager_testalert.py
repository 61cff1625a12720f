"""The opt-in end-to-end test alert: post a uniquely labelled alert to Alertmanager, wait for it to reach a webhook
receiver that this probe itself serves on 127.0.0.1, then resolve it. It changes the target (an alert appears and
is resolved), so it runs only for entries with ``send_test_alert: true``."""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from ..adapters.jsonapi import JsonApi, api_error
from ..inventory.alertmanager import AlertmanagerEntry
from ..verdict import Verdict


@dataclass
class RoundTripFacts:
    url: str
    run_id: str
    error: str | None = None  # could not listen, post or resolve
    received_after: float | None = None  # seconds from posting to the webhook delivery
    received_path: str = ""
    resolved: bool = False  # the resolving post was accepted
    resolved_seen_after: float | None = None  # the resolved notification arrived (send_resolved receivers)
    notifications: list[dict[str, Any]] = field(default_factory=list)


class _Receiver(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int]) -> None:
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            payload = json.loads(self.rfile.read(min(length, 1_048_576)) or b"null")
        except ValueError:
            payload = None
        self.server.inbox.put((self.path, payload))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _alert(entry: AlertmanagerEntry, run_id: str, ends: dt.datetime) -> list[dict[str, Any]]:
    labels = {"alertname": entry.test_alert.alertname, "opsverify_run": run_id, **entry.test_alert.labels}
    summary = "opsverify end-to-end test alert; it resolves itself"
    return [{"labels": labels, "annotations": {"summary": summary}, "endsAt": ends.isoformat()}]


def gather(entry: AlertmanagerEntry, timeout: float, transport: httpx.BaseTransport | None = None) -> RoundTripFacts:
    facts = RoundTripFacts(entry.url, uuid.uuid4().hex[:12])
    host, _, port = entry.test_alert.listen.rpartition(":")
    try:
        receiver = _Receiver((host, int(port)))
    except OSError as exc:
        facts.error = f"cannot listen on {entry.test_alert.listen} for the test alert: {exc.strerror or exc}"
        return facts
    thread = threading.Thread(target=receiver.serve_forever, daemon=True, name="opsverify-test-alert")
    thread.start()
    try:
        with JsonApi(entry.url, timeout, entry.headers, entry.verify_tls, transport) as api:
            _round_trip(entry, facts, api, receiver)
    finally:
        receiver.shutdown()
        receiver.server_close()
    return facts


def _round_trip(entry: AlertmanagerEntry, facts: RoundTripFacts, api: JsonApi, receiver: _Receiver) -> None:
    deadline = entry.test_alert.deadline
    now = dt.datetime.now(dt.UTC)
    posted = api.post("/api/v2/alerts", _alert(entry, facts.run_id, now + dt.timedelta(seconds=deadline + 60)))
    problem = api_error(posted, "POST /api/v2/alerts")
    if problem:
        facts.error = problem
        return
    started = time.monotonic()
    facts.received_after = _wait_for(facts, receiver, started, deadline, "firing")
    resolved = api.post("/api/v2/alerts", _alert(entry, facts.run_id, dt.datetime.now(dt.UTC)))
    facts.resolved = resolved.ok
    if not resolved.ok:
        facts.error = f"the test alert {facts.run_id} could not be resolved: {api_error(resolved, 'POST')}"
    elif facts.received_after is not None:
        facts.resolved_seen_after = _wait_for(facts, receiver, time.monotonic(), min(5.0, deadline), "resolved")


def _wait_for(facts: RoundTripFacts, receiver: _Receiver, started: float, within: float, status: str) -> float | None:
    """Seconds until a notification carrying our alert in ``status`` arrived, or None at the deadline."""
    while (left := started + within - time.monotonic()) > 0:
        try:
            path, payload = receiver.inbox.get(timeout=min(left, 0.5))
        except queue.Empty:
            continue
        facts.notifications.append({"path": path, "payload": payload})
        for alert in (payload or {}).get("alerts", []) if isinstance(payload, dict) else []:
            if alert.get("labels", {}).get("opsverify_run") == facts.run_id and alert.get("status") == status:
                facts.received_path = path
                return time.monotonic() - started
    return None


def round_trip(entry: AlertmanagerEntry, facts: RoundTripFacts) -> Verdict:
    ta = entry.test_alert
    if facts.error and facts.received_after is None:
        return Verdict.failed(entry.name, facts.error)
    if facts.received_after is None:
        return Verdict.failed(
            entry.name,
            f"test alert {ta.alertname} (opsverify_run={facts.run_id}) did not reach the webhook on {ta.listen} "
            f"within {ta.deadline:g}s ({len(facts.notifications)} other notification(s)); expected Alertmanager to "
            f"route alertname={ta.alertname} to a webhook at http://{ta.listen}/",
        )
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    seen = f", resolved notification after {facts.resolved_seen_after:.1f}s" if facts.resolved_seen_after else ""
    return Verdict.passed(
        entry.name,
        f"test alert {facts.run_id} reached http://{ta.listen}{facts.received_path} after "
        f"{facts.received_after:.1f}s and was resolved{seen}",
    )
