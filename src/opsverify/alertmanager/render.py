"""Render a receiver's notification fields for an alert group, as its integration would send them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from ..rules.template import GoStruct, TemplateError
from .model import Config, Receiver
from .notify_data import template_data
from .templates import FIELDS, TemplateSet


class RenderError(ValueError):
    """The notification cannot be rendered (missing integration, unknown field, template error)."""


@dataclass
class Group:
    """The alerts one notification carries: same route, same group labels."""

    receiver: str
    group_labels: dict[str, str]
    alerts: list[tuple[dict[str, str], dict[str, str]]]  # (labels, annotations)
    route_key: str = "{}"


def integration(receiver: Receiver, kind: str, index: int = 0) -> dict[str, Any]:
    configs = receiver.integrations.get(f"{kind}_configs") or []
    if index >= len(configs):
        have = ", ".join(k.removesuffix("_configs") for k in receiver.integrations) or "none"
        raise RenderError(f"receiver {receiver.name!r} has no {kind}_configs[{index}] (it has: {have})")
    return dict(configs[index] or {})


def _html_mode(kind: str, field: str, settings: dict[str, Any]) -> bool:
    if kind == "telegram":
        return str(settings.get("parse_mode", "HTML")) == "HTML"
    return kind == "email" and field == "html"


def _field_text(kind: str, field: str, settings: dict[str, Any]) -> str:
    if kind == "email" and field == "subject":
        headers = settings.get("headers") or {}
        if not isinstance(headers, dict):
            raise RenderError("email_configs headers: expected a mapping")
        return str(headers.get("Subject", FIELDS["email"]["subject"]))
    if field in settings:
        return str(settings[field])
    if field in FIELDS.get(kind, {}):
        return FIELDS[kind][field]
    known = sorted(set(FIELDS.get(kind, {})) | {k for k, v in settings.items() if isinstance(v, str)})
    raise RenderError(f"{kind}_configs has no field {field!r} (known: {', '.join(known)})")


def render_field(
    config: Config,
    templates: TemplateSet,
    group: Group,
    kind: str,
    field: str,
    at: dt.datetime,
    external_url: str = "",
    index: int = 0,
) -> str:
    """One field (``message``, ``text``, ``html``, ``subject``, ``payload`` for webhooks...) of one integration."""
    receiver = config.receivers[group.receiver]
    settings = integration(receiver, kind, index)
    data = template_data(group.receiver, group.group_labels, group.alerts, at, external_url)
    if kind == "webhook":
        if field != "payload":
            raise RenderError("webhook_configs renders one field: payload")
        return webhook_payload(data, group)
    text = _field_text(kind, field, settings)
    html_mode = _html_mode(kind, field, settings)
    try:
        rendered = templates.render(text, data, at, html_mode, f"{kind}.{field}")
    except TemplateError as exc:
        raise RenderError(str(exc)) from None
    except RecursionError:
        raise RenderError("template recursion too deep") from None
    return telegram_limit(rendered, html_mode) if (kind, field) == ("telegram", "message") else rendered


TELEGRAM_MAX_RUNES = 4096
TELEGRAM_TOO_LONG = (  # what notify/telegram sends instead of an HTML message over the limit (indentation included)
    "Alertmanager notification could not be sent: message length exceeds Telegram limits.\n"
    "\t\t\tPlease check the template used for producing the message content."
)


def telegram_limit(text: str, html_mode: bool) -> str:
    """Telegram's 4096-rune limit: an HTML message is replaced by a notice, others are cut with an ellipsis."""
    if len(text) <= TELEGRAM_MAX_RUNES:
        return text
    return TELEGRAM_TOO_LONG if html_mode else text[: TELEGRAM_MAX_RUNES - 1] + "…"


def webhook_payload(data: GoStruct, group: Group) -> str:
    """The webhook JSON body (version 4), keys as Alertmanager sends them."""
    f = data.fields
    body = {
        "receiver": f["Receiver"],
        "status": f["Status"],
        "alerts": [
            {
                "status": a.fields["Status"],
                "labels": dict(a.fields["Labels"]),
                "annotations": dict(a.fields["Annotations"]),
                "startsAt": a.fields["StartsAt"].instant.isoformat().replace("+00:00", "Z"),
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": a.fields["GeneratorURL"],
                "fingerprint": a.fields["Fingerprint"],
            }
            for a in f["Alerts"]
        ],
        "groupLabels": dict(f["GroupLabels"]),
        "commonLabels": dict(f["CommonLabels"]),
        "commonAnnotations": dict(f["CommonAnnotations"]),
        "externalURL": f["ExternalURL"],
        "version": "4",
        "groupKey": group_key(group),
        "truncatedAlerts": 0,
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def group_key(group: Group) -> str:
    """dispatch.aggrGroup's key: the route's key (matchers joined by ","), then the group labels (by ", ")."""
    pairs = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(group.group_labels.items()))
    return group.route_key + ":{" + pairs + "}"
