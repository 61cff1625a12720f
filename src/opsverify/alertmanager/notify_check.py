"""``expected_notification``: render the alert's group on its receiver and check equals / contains / matches."""

from __future__ import annotations

import datetime as dt
from functools import cmp_to_key, lru_cache

from ..promql.regex import compile_go
from .checks import Failure
from .model import Config, Route
from .notify_data import alert_order
from .pipeline import Outcome
from .render import Group, RenderError, render_field
from .templates import TemplateSet
from .testfile import AlertCase, TextAssert


@lru_cache(maxsize=64)
def _templates(patterns: tuple[str, ...]) -> TemplateSet:
    return TemplateSet(list(patterns))


def templates_for(config: Config) -> TemplateSet:
    return _templates(tuple(config.templates))


def group_of(route: Route, outcome: Outcome, everyone: list[Outcome]) -> Group:
    """The notification group: alerts on the same route with the same group labels, not inhibited."""
    key = route.group_labels(outcome.labels)
    members = [
        (o.labels, o.annotations)
        for o in everyone
        if not o.inhibited_by and any(d.route is route for d in o.deliveries) and route.group_labels(o.labels) == key
    ]
    members.sort(key=cmp_to_key(_by_labels))  # as dispatch sorts a group's alerts
    return Group(route.receiver, key, members or [(outcome.labels, outcome.annotations)], route.key())


def _by_labels(x: tuple[dict[str, str], dict[str, str]], y: tuple[dict[str, str], dict[str, str]]) -> int:
    return alert_order(x[0], y[0])


def pick_route(config: Config, outcome: Outcome, kind: str, receiver: str | None) -> Route:
    for d in outcome.deliveries:
        if (receiver is None or d.receiver == receiver) and f"{kind}_configs" in config.receivers[
            d.receiver
        ].integrations:
            return d.route
    wanted = f"receiver {receiver!r} with {kind}_configs" if receiver else f"a receiver with {kind}_configs"
    raise RenderError(f"routed to [{', '.join(outcome.receivers)}], none is {wanted}")


def check_text(text: str, check: TextAssert) -> list[str]:
    """Failed assertions, each as ``contains 'x'``-style phrases."""
    out = []
    if check.equals is not None and text != check.equals:
        out.append(f"does not equal {check.equals!r}")
    if check.contains is not None and check.contains not in text:
        out.append(f"does not contain {check.contains!r}")
    if check.matches is not None and not compile_go(check.matches).matches(text):
        out.append(f"does not match /{check.matches}/")
    return out


def check_notification(
    config: Config, case: AlertCase, outcome: Outcome, everyone: list[Outcome], at: dt.datetime, external_url: str = ""
) -> list[Failure]:
    """Each expected field of the notification really sent; one that is not sent (inhibited, muted) fails."""
    fails: list[Failure] = []
    for kind, fields in (case.expected_notification or {}).items():
        try:
            route = pick_route(config, outcome, kind, case.receiver)
            unsent = not_sent(outcome, route)
            if unsent:
                fails.append(Failure(f"{kind} on {route.receiver}: no notification is sent: {unsent}"))
                continue
            group = group_of(route, outcome, everyone)
            for field, check in fields.items():
                fails += _check_field(
                    render_field(config, templates_for(config), group, kind, field, at, external_url),
                    kind,
                    field,
                    route,
                    check,
                )
        except RenderError as exc:
            fails.append(Failure(f"{kind}: cannot render: {exc}"))
    return fails


def not_sent(outcome: Outcome, route: Route) -> str:
    """Why the route's notification for this alert is held back ("" when it is sent)."""
    if outcome.inhibited_by:
        return f"the alert is inhibited by {', '.join(outcome.inhibited_by)}"
    muted = next((d.muted_by for d in outcome.deliveries if d.route is route), [])
    return f"route #{route.number} is muted by {', '.join(muted)}" if muted else ""


def _check_field(text: str, kind: str, field: str, route: Route, check: TextAssert) -> list[Failure]:
    problems = check_text(text, check)
    if not problems:
        return []
    shown = [f"  {kind}.{field} rendered:"] + [f"  | {line}" for line in text.splitlines() or [""]]
    return [Failure(f"{kind}.{field} on {route.receiver} {'; '.join(problems)}", shown)]
