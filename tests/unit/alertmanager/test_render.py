from __future__ import annotations

import datetime as dt
import json

import pytest

from opsverify.alertmanager.config import config_from_text
from opsverify.alertmanager.render import Group, RenderError, render_field
from opsverify.alertmanager.templates import TemplateSet

AT = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)
CONFIG = """
route: {receiver: tg, group_by: [alertname]}
receivers:
  - name: tg
    telegram_configs: [{bot_token: x, chat_id: 1}]
    slack_configs: [{api_url: "http://127.0.0.1:1/", text: '{{ .CommonLabels.SortedPairs.Values | join "," }}'}]
    email_configs: [{to: a@example.invalid, html: '<b>{{ .CommonLabels.team }}</b>{{ "<i>" | safeHtml }}'}]
    webhook_configs: [{url: "http://127.0.0.1:1/"}]
  - name: plain
    telegram_configs: [{bot_token: x, chat_id: 1, parse_mode: MarkdownV2, message: '{{ .CommonLabels.team }}'}]
"""
ALERTS = [
    ({"alertname": "DBDown", "team": "db<1>", "instance": "a"}, {"summary": "down"}),
    ({"alertname": "DBDown", "team": "db<1>", "instance": "b"}, {"summary": "down"}),
]


def render(kind: str, field: str, receiver: str = "tg", text: str | None = None) -> str:
    config = config_from_text(CONFIG, "am.yml")
    if text is not None:
        config.receivers[receiver].integrations[f"{kind}_configs"][0][field] = text
    group = Group(receiver, {"alertname": "DBDown"}, ALERTS)
    return render_field(config, TemplateSet([]), group, kind, field, AT)


def test_default_subject_lists_group_values_then_the_rest() -> None:
    assert render("email", "subject") == "[FIRING:2] DBDown (db<1>)"


def test_default_telegram_message_is_html_escaped() -> None:
    text = render("telegram", "message")
    assert "Alerts Firing:\nLabels:\n - alertname = DBDown\n - instance = a\n - team = db&lt;1&gt;\n" in text
    assert text.count("Annotations:\n - summary = down\nSource: \n") == 2


def test_telegram_without_html_parse_mode_is_not_escaped() -> None:
    assert render("telegram", "message", receiver="plain") == "db<1>"


def test_email_html_escapes_values_but_not_safe_html() -> None:
    assert render("email", "html") == "<b>db&lt;1&gt;</b><i>"


def test_sorted_pairs_put_alertname_first() -> None:
    assert render("slack", "text") == "DBDown,db<1>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{{ .CommonLabels.Remove (stringSlice "alertname") }}', "team=db<1>"),
        ('{{ .GroupLabels.Names.Join "+" }}', "alertname"),
        ("{{ range .Alerts.Firing }}{{ .Labels.instance | toUpper }}{{ end }}", "AB"),
        ('{{ (index .Alerts 0).StartsAt.Format "2006-01-02 15:04 MST" }}', "2026-01-05 10:00 UTC"),
        ('{{ if match "^db" .CommonLabels.team }}yes{{ end }}', "yes"),
        ('{{ reReplaceAll "<.*>" "" .CommonLabels.team | title }}', "Db"),
        ("{{ .Receiver }} {{ .Status }} {{ len .Alerts.Resolved }}", "tg firing 0"),
    ],
)
def test_alertmanager_template_functions_and_methods(text: str, expected: str) -> None:
    assert render("slack", "text", text=text) == expected


def test_webhook_payload_is_alertmanagers_json() -> None:
    body = json.loads(render("webhook", "payload"))
    assert body["version"] == "4" and body["status"] == "firing" and body["receiver"] == "tg"
    assert body["groupLabels"] == {"alertname": "DBDown"}
    assert body["commonLabels"] == {"alertname": "DBDown", "team": "db<1>"}
    assert [a["labels"]["instance"] for a in body["alerts"]] == ["a", "b"]
    assert body["groupKey"] == '{}:{alertname="DBDown"}'


def test_render_errors_are_clear() -> None:
    with pytest.raises(RenderError, match="has no pagerduty_configs"):
        render("pagerduty", "description")
    with pytest.raises(RenderError, match=r"no template \"email.default.html\""):
        render("email", "html", receiver="tg", text='{{ template "email.default.html" . }}')
    with pytest.raises(RenderError, match='function "nosuch" not defined'):
        render("slack", "text", text="{{ nosuch }}")


def test_telegram_length_limit() -> None:
    long = "{{ range $i := 5000 }}x{{ end }}"
    cut = render("telegram", "message", receiver="plain", text=long)
    assert len(cut) == 4096 and cut.endswith("x…")
    notice = render("telegram", "message", text=long)  # parse_mode HTML: Alertmanager sends a notice instead
    assert notice.startswith("Alertmanager notification could not be sent: message length exceeds Telegram limits.")


def test_external_url_and_the_receiver_link() -> None:
    config = config_from_text(CONFIG, "am.yml")
    config.receivers["tg"].integrations["slack_configs"][0]["text"] = '{{ template "__alertmanagerURL" . }}'
    group = Group("tg", {"alertname": "DBDown"}, ALERTS)
    text = render_field(config, TemplateSet([]), group, "slack", "text", AT, "https://am.example.invalid")
    assert text == "https://am.example.invalid/#/alerts?receiver=tg"
