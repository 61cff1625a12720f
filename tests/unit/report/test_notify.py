"""Notify against local stand-ins: a Telegram Bot API server (``POST /bot<token>/sendMessage``) and a webhook
receiver, both on 127.0.0.1, recording what they get. No real Telegram is reachable here."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from opsverify.inventory.notify import NotifyConfig, TelegramNotify, WebhookNotify
from opsverify.masking import MASKER
from opsverify.report import notify
from opsverify.report.history import History

from .conftest import make_run

TOKEN = "123456:AAE-standin-bot-token-value"
CHAT = "-1001234567890"


class StandIn:
    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.status, self.delay = status, delay
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                stand_in.requests.append((self.path, body))
                if stand_in.delay:
                    threading.Event().wait(stand_in.delay)
                ok = self.path in (f"/bot{TOKEN}/sendMessage", "/hook") and stand_in.status == 200
                answer = (
                    {"ok": True, "result": {"message_id": 1}} if ok else {"ok": False, "description": "Unauthorized"}
                )
                data = json.dumps(answer).encode()
                self.send_response(stand_in.status if ok or stand_in.status != 200 else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def standin():
    s = StandIn()
    yield s
    s.close()


@pytest.fixture
def telegram_env(monkeypatch):
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_CHAT_ID", CHAT)


def _failing_run(t0, **kw):
    return make_run(
        [("test_up[web]", "critical", "failed"), ("test_up[db]", "info", "passed")],
        at=t0,
        reason_test_up__web_="x",
        **kw,
    )


def test_telegram_gets_the_digest_without_any_secret(standin, telegram_env, t0):
    config = NotifyConfig(when="always", telegram=TelegramNotify(api_url=standin.url), report_url="https://ci/r.html")
    run = _failing_run(t0)
    run.checks[0].reason = f"web: token {TOKEN} leaked in an error page"  # a target echoing the secret
    notes = notify.send(config, run, "/tmp/reports/readiness.html")
    assert notes == ["notify: digest sent to telegram"]
    ((path, body),) = standin.requests
    assert path == f"/bot{TOKEN}/sendMessage"
    assert body["chat_id"] == CHAT and body["disable_web_page_preview"] is True and "parse_mode" not in body
    text = body["text"]
    assert text.startswith("opsverify FAIL at --fail-on info: shop [prod]")
    assert "- [critical] test_up[web]: web: token *** leaked in an error page" in text
    assert "Report: https://ci/r.html" in text
    assert TOKEN not in text and CHAT not in text


def test_the_webhook_gets_json(standin, t0):
    config = NotifyConfig(when="always", webhook=WebhookNotify(url=f"{standin.url}/hook", headers={"X-Key": "k"}))
    notes = notify.send(config, _failing_run(t0), "/tmp/r/readiness.html")
    assert notes == ["notify: digest sent to the webhook"]
    ((path, body),) = standin.requests
    assert path == "/hook" and body["verdict"] == "FAIL" and body["new"][0]["id"] == "test_up[web]"
    assert body["report"] == "/tmp/r/readiness.html" and body["text"].startswith("opsverify FAIL")


def test_a_chat_that_is_down_is_a_warning_never_an_exception(telegram_env, t0):
    config = NotifyConfig(when="always", telegram=TelegramNotify(api_url="http://127.0.0.1:9"), timeout=2.0)
    (note,) = notify.send(config, _failing_run(t0), "r.html")
    assert note.startswith("WARNING: notify telegram failed (ConnectError") and TOKEN not in note
    assert "the run's result is unaffected" in note


def test_a_hanging_chat_costs_one_timeout(telegram_env, t0):
    import time

    slow = StandIn(delay=5)
    try:
        config = NotifyConfig(when="always", telegram=TelegramNotify(api_url=slow.url), timeout=0.5)
        start = time.monotonic()
        (note,) = notify.send(config, _failing_run(t0), "r.html")
        assert time.monotonic() - start < 3 and "ReadTimeout" in note and TOKEN not in note
    finally:
        slow.close()


def test_a_refused_token_is_a_warning_with_telegrams_reason(standin, monkeypatch, t0):
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_TOKEN", "999:wrong-token-value")
    monkeypatch.setenv("OPSVERIFY_TELEGRAM_CHAT_ID", CHAT)
    config = NotifyConfig(when="always", telegram=TelegramNotify(api_url=standin.url))
    (note,) = notify.send(config, _failing_run(t0), "r.html")
    assert note == "WARNING: notify telegram refused the message (Unauthorized); the run's result is unaffected"


def test_missing_token_is_a_warning(monkeypatch, t0):
    monkeypatch.delenv("OPSVERIFY_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("OPSVERIFY_TELEGRAM_CHAT_ID", raising=False)
    (note,) = notify.send(NotifyConfig(when="always", telegram=TelegramNotify()), _failing_run(t0), "r")
    assert note == (
        "WARNING: notify telegram: $OPSVERIFY_TELEGRAM_TOKEN and $OPSVERIFY_TELEGRAM_CHAT_ID not set, nothing sent"
    )


def test_on_change_sends_only_when_something_changed(standin, telegram_env, tmp_path, t0):
    import datetime

    config = NotifyConfig(when="change", telegram=TelegramNotify(api_url=standin.url))
    history = History(tmp_path / "h.sqlite")
    sent = []
    for day, outcome in enumerate(["failed", "failed", "passed", "passed"]):
        run = make_run([("test_up[web]", "critical", outcome)], at=t0 + datetime.timedelta(days=day))
        history.record(run)
        sent.append(notify.send(config, run, "r")[0])
    assert sent == [
        "notify: digest sent to telegram",  # first run: nothing to compare with
        "notify: nothing changed since the last run, nothing sent (notify.when: change)",
        "notify: digest sent to telegram",  # fixed
        "notify: nothing changed since the last run, nothing sent (notify.when: change)",
    ]
    assert len(standin.requests) == 2
    assert "Fixed (1):\n- test_up[web]" in standin.requests[1][1]["text"]


def test_when_failure_sends_only_failing_runs(standin, telegram_env, t0):
    config = NotifyConfig(when="failure", telegram=TelegramNotify(api_url=standin.url))
    notify.send(config, make_run([("a[x]", "critical", "passed")], at=t0), "r")
    notify.send(config, _failing_run(t0), "r")
    assert len(standin.requests) == 1


@pytest.fixture(autouse=True)
def _clear_masker():
    yield
    MASKER.clear()


def test_the_digest_folds_failures_under_their_root_cause(t0):
    from opsverify.report import rootcause
    from opsverify.report.results import CheckResult

    run = make_run([("ok[x]", "critical", "passed")], at=t0)
    run.checks += [
        CheckResult(
            "test_container_running[api]", "t::a", "api", "containers", "critical", "failed", "api: not running"
        ),
        CheckResult("test_container_healthy[api]", "t::b", "api", "containers", "warning", "failed", "api: no status"),
        CheckResult("test_disk[db]", "t::c", "db", "hosts", "warning", "failed", "db: / is 97 % full"),
    ]
    rootcause.group(run)
    text = notify.digest(run, "r.html")
    assert "Failed (3):\n- [critical] container api is down: api: not running (2 checks)\n" in text
    assert "- [warning] test_disk[db]: db: / is 97 % full" in text and "test_container_healthy" not in text
