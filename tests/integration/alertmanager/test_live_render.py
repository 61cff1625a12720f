"""Oracle for notification text: our own Alertmanager (Debian 0.25) sends Slack, Telegram and webhook notifications
to a sink on 127.0.0.1; what it sent must equal what we render for the same group."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from opsverify.alertmanager.config import load_config
from opsverify.alertmanager.notify_check import group_of, templates_for
from opsverify.alertmanager.pipeline import evaluate
from opsverify.alertmanager.render import render_field

from .live_am import BINARY, alertmanager, post_alerts, webhook_sink

ALERTS = [
    ({"alertname": "DBDown", "job": "db", "instance": "db<2>", "severity": "critical"}, {"summary": "down & out"}),
    ({"alertname": "DBDown", "job": "db", "instance": "db1", "severity": "critical"}, {"summary": "down & out"}),
    ({"alertname": "DBDown", "job": "db", "severity": "critical", "team": "x"}, {"summary": "also down"}),
]
# (printing a KV itself differs: 0.25 prints map[job:db ...], 0.26+ its String(), job=db, ...; we follow HEAD)
SLACK_TEXT = '{{ range .Alerts }}{{ .Labels.instance }}={{ .Annotations.summary }};{{ end }} {{ (.CommonLabels.Remove .GroupLabels.Names).Values | join "," }}'.replace(
    "'", "''"
)
TG_CUSTOM = '<b>{{ .CommonLabels.alertname | toUpper }}</b> {{ .CommonAnnotations.summary }} {{ "<i>x</i>" | safeHtml }} {{ .GroupLabels.SortedPairs.Values | join "," }}'


def config_yaml(base: str) -> str:
    return f"""
route:
  receiver: fanout
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - {{matchers: [job="db", 'severity=~"crit.*"'], receiver: fanout, group_by: [alertname, job]}}
receivers:
  - name: fanout
    webhook_configs: [{{url: "{base}/hook"}}]
    slack_configs:
      - {{api_url: "{base}/slack", channel: "#ops", text: '{SLACK_TEXT}'}}
    telegram_configs:
      - {{api_url: "{base}/tg-default", bot_token: "123:abc", chat_id: 42}}
      - {{api_url: "{base}/tg-custom", bot_token: "123:abc", chat_id: 42, message: '{TG_CUSTOM}'}}
      - {{api_url: "{base}/tg-plain", bot_token: "123:abc", chat_id: 42, parse_mode: "", message: '{TG_CUSTOM}'}}
"""


def _wait_for(sink, paths: list[str], alerts: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The last notification on each path, once the webhook has carried the whole group.

    Alertmanager flushes a new group at once when its first alert is older than group_wait, possibly before the
    rest of the batch arrived; the next flush (group_interval) carries them all.
    """
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with sink.lock:
            whole = any(len(body["alerts"]) == alerts for body in sink.bodies)
        if whole:
            time.sleep(2.5)  # every integration's flush of the whole group has landed
            with sink.lock:
                got = {p: body for p, body in sink.requests for want in paths if p.startswith(want)}
            if len({next(w for w in paths if p.startswith(w)) for p in got}) == len(paths):
                return got
        time.sleep(0.2)
    raise AssertionError(f"Alertmanager did not send the whole group of {alerts} to {paths} in 20s")


@pytest.fixture(scope="module")
def binary() -> str:
    if not Path(BINARY).exists():
        pytest.skip("prometheus-alertmanager not installed (Debian package prometheus-alertmanager)")
    return BINARY


def test_rendered_notifications_agree_with_live_alertmanager(binary: str, tmp_path: Path) -> None:
    with webhook_sink() as (hook, sink):
        base = hook.removesuffix("/hook")
        path = tmp_path / "alertmanager.yml"
        path.write_text(config_yaml(base), encoding="utf-8")
        config = load_config(path)
        storage = tmp_path / "data"
        storage.mkdir()
        with alertmanager(path, storage) as url:
            post_alerts(url, [labels for labels, _ in ALERTS], dt.timedelta(minutes=10), [a for _, a in ALERTS])
            sent = _wait_for(sink, ["/hook", "/slack", "/tg-default", "/tg-custom", "/tg-plain"], len(ALERTS))
            post_alerts(url, [labels for labels, _ in ALERTS], -dt.timedelta(seconds=1), [a for _, a in ALERTS])
    now = dt.datetime.now(dt.UTC)
    outcomes = evaluate(config, [labels for labels, _ in ALERTS], now)
    for o, (_, notes) in zip(outcomes, ALERTS, strict=True):
        o.annotations = notes
    group = group_of(outcomes[0].deliveries[0].route, outcomes[0], outcomes)

    def ours(kind: str, field: str, index: int = 0) -> str:
        return render_field(config, templates_for(config), group, kind, field, now, url, index)

    by_path = {p.split("/")[1]: body for p, body in sent.items()}
    slack = by_path["slack"]["attachments"][0]
    assert (slack["text"], slack["title"], slack["color"]) == (ours("slack", "text"), ours("slack", "title"), "danger")
    assert slack["fallback"] == ours("slack", "fallback")
    for index, name in enumerate(["tg-default", "tg-custom", "tg-plain"]):
        assert by_path[name]["text"] == ours("telegram", "message", index), name
    hook_body = by_path["hook"]
    mine = json.loads(ours("webhook", "payload"))
    for key in ("receiver", "status", "groupLabels", "commonLabels", "commonAnnotations", "groupKey", "version"):
        assert hook_body[key] == mine[key], key
    assert [(a["labels"], a["fingerprint"]) for a in hook_body["alerts"]] == [
        (a["labels"], a["fingerprint"]) for a in mine["alerts"]
    ]


EMAIL_HTML = "<h1>{{ .CommonLabels.alertname }}</h1>{{ range .Alerts }}<p>{{ .Labels.instance }}: {{ .Annotations.summary }}</p>{{ end }}"


def test_email_subject_html_and_text_agree_with_live_alertmanager(binary: str, tmp_path: Path) -> None:
    import email
    import email.policy

    from .live_am import smtp_sink

    with smtp_sink() as (smarthost, messages):
        path = tmp_path / "alertmanager.yml"
        path.write_text(
            f"""
global: {{smtp_smarthost: "{smarthost}", smtp_from: am@example.invalid, smtp_require_tls: false}}
route: {{receiver: mail, group_by: [alertname], group_wait: 1s, group_interval: 1s}}
receivers:
  - name: mail
    email_configs:
      - {{to: ops@example.invalid, html: '{EMAIL_HTML}', text: '{{{{ .CommonAnnotations.summary }}}} & more'}}
""",
            encoding="utf-8",
        )
        config = load_config(path)
        storage = tmp_path / "data"
        storage.mkdir()
        with alertmanager(path, storage) as url:
            post_alerts(url, [labels for labels, _ in ALERTS[:2]], dt.timedelta(minutes=10), [a for _, a in ALERTS[:2]])
            deadline = time.monotonic() + 20
            while not messages and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2.5)  # a first flush may carry part of the batch; the next one (1s later) carries it all
            post_alerts(url, [labels for labels, _ in ALERTS[:2]], -dt.timedelta(seconds=1), [a for _, a in ALERTS[:2]])
    assert messages, "Alertmanager sent no mail in 20s"
    mail = email.message_from_bytes(messages[-1], policy=email.policy.default)
    parts = {p.get_content_type(): p.get_content() for p in mail.walk() if not p.is_multipart()}
    now = dt.datetime.now(dt.UTC)
    outcomes = evaluate(config, [labels for labels, _ in ALERTS[:2]], now)
    for o, (_, notes) in zip(outcomes, ALERTS[:2], strict=True):
        o.annotations = notes
    group = group_of(outcomes[0].deliveries[0].route, outcomes[0], outcomes)
    templates = templates_for(config)
    assert str(mail["Subject"]) == render_field(config, templates, group, "email", "subject", now, url)
    assert parts["text/html"].replace("\r\n", "\n") == render_field(config, templates, group, "email", "html", now, url)
    assert parts["text/plain"].replace("\r\n", "\n") == render_field(
        config, templates, group, "email", "text", now, url
    )
