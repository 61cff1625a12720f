"""opsverify alertmanager test|routes|render|coverage: Alertmanager configs tested offline.

Exit codes: 0 passed, 1 a test failed (or coverage has gaps), 4 a bad file or argument (file:line: what).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, TextIO

from ..errors import OpsverifyError
from .config import load_config
from .matchers import MatcherError, parse_classic
from .pipeline import DEFAULT_AT, Delivery, evaluate
from .render import Group, RenderError, render_field
from .reports import as_json, print_text, write_junit
from .runner import run_paths

EXIT_USAGE = 4


class UsageError(OpsverifyError):
    """A bad command-line argument (exit 4)."""


def add_parser(sub: Any) -> None:
    """Register ``alertmanager`` on the main CLI's subparsers; the handler takes (args, extra)."""
    p = sub.add_parser(
        "alertmanager", help="Alertmanager routing, inhibition, time intervals, templates, offline", description=__doc__
    )
    act = p.add_subparsers(dest="am_action", required=True)
    test = act.add_parser("test", help="run Alertmanager test files (FILE::TEST::ALERT)")
    test.add_argument("files", nargs="+")
    test.add_argument("--json", action="store_true", help="print results as JSON")
    test.add_argument("--junit", help="write JUnit XML here")
    test.add_argument("--config", help="test this Alertmanager config instead of the files' own (e.g. a candidate)")
    routes = act.add_parser("routes", help="the receivers a label set is routed to, with the route path")
    routes.add_argument("--config", required=True)
    routes.add_argument("labels", nargs="+", help="name=value ... (as amtool config routes test)")
    routes.add_argument("--at", help="RFC 3339 instant for time intervals (default: Mon 2026-01-05 10:00 UTC)")
    routes.add_argument("--json", action="store_true", help="each route reached with its options, as JSON")
    render = act.add_parser("render", help="print a rendered notification for a label set")
    render.add_argument("--config", required=True)
    render.add_argument("labels", nargs="+", help="name=value ...")
    render.add_argument("--annotation", action="append", default=[], help="name=value (repeatable)")
    render.add_argument("--receiver", help="default: the first receiver the labels are routed to")
    render.add_argument("--integration", default="", help="telegram, slack, email, webhook... (default: the first)")
    render.add_argument("--field", default="", help="message, text, html, subject, title, payload...")
    render.add_argument("--at", help="RFC 3339 instant (default: Mon 2026-01-05 10:00 UTC)")
    render.add_argument("--external-url", default="", help="Alertmanager's --web.external-url, for .ExternalURL")
    cov = act.add_parser("coverage", help="who is notified, every 15 minutes of a week, for each alert rule's labels")
    cov.add_argument("--config", required=True)
    cov.add_argument("--rules", nargs="+", required=True, help="alert rule files (their static labels are walked)")
    cov.add_argument("--location", default="UTC", help="time zone the week is walked and shown in (default: UTC)")
    cov.add_argument("--week", help="the Monday the week starts on, YYYY-MM-DD (default: 2026-01-05)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace, extra: list[str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.am_action == "test":
        return _test(args, out)
    if args.am_action == "routes":
        return _routes(args, out)
    if args.am_action == "coverage":
        return _coverage(args, out)
    return _render(args, out)


def _coverage(args: argparse.Namespace, out: TextIO) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .coverage import WEEK_START, coverage_report, rule_label_sets

    try:
        ZoneInfo(args.location)
        week = dt.date.fromisoformat(args.week) if args.week else WEEK_START
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"coverage: {exc}") from None
    label_sets = rule_label_sets(args.rules)
    lines = coverage_report(load_config(args.config), label_sets, args.location, week)
    print("\n".join(lines) if lines else f"covered: {len(label_sets)} alert label sets, every 15 minutes", file=out)
    return 1 if lines else 0


def _test(args: argparse.Namespace, out: TextIO) -> int:
    results = run_paths(args.files, args.config)
    if args.junit:
        write_junit(args.junit, results)
    if args.json:
        print(as_json(results), file=out)
    else:
        print_text(results, out)
    return 0 if all(r.passed for r in results) else 1


def parse_labels(items: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for item in items:
        try:
            matchers = parse_classic(item)
        except MatcherError as exc:
            raise UsageError(f"labels: {exc}") from None
        for m in matchers:
            if m.op != "=":
                raise UsageError(f"labels: {item!r}: a label is name=value")
            labels[m.name] = m.value
    return labels


def parse_at(text: str | None) -> dt.datetime:
    if not text:
        return DEFAULT_AT
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise UsageError(f"--at: expected an RFC 3339 time with offset, got {text!r}")
    return at


def _routes(args: argparse.Namespace, out: TextIO) -> int:
    config = load_config(args.config)
    outcome = evaluate(config, [parse_labels(args.labels)], parse_at(args.at))[0]
    if args.json:
        print(json.dumps([_route_json(d) for d in outcome.deliveries], indent=2), file=out)
        return 0
    print(",".join(outcome.receivers), file=out)
    for d in outcome.deliveries:
        muted = f"  (muted by {', '.join(d.muted_by)})" if d.muted_by else ""
        print(f"  {d.receiver}: {d.route.path_text()}{muted}", file=out)
    return 0


def _route_json(d: Delivery) -> dict[str, Any]:
    r = d.route
    return {
        "receiver": r.receiver,
        "route": r.number,
        "path": r.path_text(),
        "group_by": ["..."] if r.group_by_all else list(r.group_by),
        "group_wait": r.group_wait,
        "group_interval": r.group_interval,
        "repeat_interval": r.repeat_interval,
        "continue": r.continue_,
        "muted_by": d.muted_by,
    }


def _render(args: argparse.Namespace, out: TextIO) -> int:
    from .notify_check import group_of, templates_for

    config = load_config(args.config)
    at = parse_at(args.at)
    outcome = evaluate(config, [parse_labels(args.labels)], at)[0]
    outcome.annotations = parse_labels(args.annotation) if args.annotation else {}
    route = next((d.route for d in outcome.deliveries if d.receiver == (args.receiver or d.receiver)), None)
    if route is None:
        raise UsageError(f"--receiver {args.receiver}: the labels are routed to [{', '.join(outcome.receivers)}]")
    group: Group = group_of(route, outcome, [outcome])
    kinds = [k.removesuffix("_configs") for k in config.receivers[route.receiver].integrations]
    kind = args.integration or (kinds[0] if kinds else "")
    field = args.field or _default_field(kind)
    try:
        print(render_field(config, templates_for(config), group, kind, field, at, args.external_url), file=out)
    except RenderError as exc:
        raise UsageError(f"render {route.receiver} {kind}.{field}: {exc}") from None
    return 0


def _default_field(kind: str) -> str:
    return {"telegram": "message", "slack": "text", "email": "html", "webhook": "payload"}.get(kind, "message")
