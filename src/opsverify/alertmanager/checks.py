"""The expectations of one alert case, checked against an :class:`Outcome`: one line per failure, a diff under it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Config
from .pipeline import Outcome
from .testfile import AlertCase, TestCase


@dataclass
class Failure:
    message: str  # one line, for people
    diff: list[str] = field(default_factory=list)  # "- expected" / "+ got" lines

    def text(self) -> str:
        return "\n".join([self.message, *self.diff])


def alert_title(labels: dict[str, str]) -> str:
    """``DBDown{severity=warning,team=db}``: the alert name, then its other labels."""
    rest = ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
    return labels.get("alertname", "") + "{" + rest + "}"


def fmt(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def list_diff(expected: list[str], got: list[str]) -> list[str]:
    out = [f"  - {x}" for x in expected if x not in got] + [f"  + {x}" for x in got if x not in expected]
    return out or [f"  order: expected {fmt(expected)}, got {fmt(got)}"]


def check_alert(
    config: Config, case: AlertCase, outcome: Outcome, everyone: list[Outcome], test: TestCase
) -> list[Failure]:
    from .notify_check import check_notification

    title = alert_title(case.labels)
    path = " | ".join(d.route.path_text() for d in outcome.deliveries)
    fails = [
        *_receivers(case, outcome),
        *_group_by(case, outcome),
        *_group_labels(case, outcome),
        *_inhibition(case, outcome),
        *_muting(case, outcome),
    ]
    for f in fails:
        f.message = f"{title}: {f.message}" + (f"; path: {path}" if "inhibit" not in f.message else "")
    if case.expected_notification:
        rendered = check_notification(config, case, outcome, everyone, test.instant, test.external_url)
        fails += [Failure(f"{title}: {f.message}", f.diff) for f in rendered]
    return fails


def _receivers(case: AlertCase, outcome: Outcome) -> list[Failure]:
    want, got = case.expected_receivers, outcome.receivers
    if want is None or got == want:
        return []
    return [Failure(f"routed to {fmt(got)}, expected {fmt(want)}", list_diff(want, got))]


def group_by_of(outcome: Outcome) -> list[str]:
    if not outcome.deliveries:
        return []
    route = outcome.deliveries[0].route
    return ["..."] if route.group_by_all else list(route.group_by)


def _group_by(case: AlertCase, outcome: Outcome) -> list[Failure]:
    want, got = case.expected_group_by, group_by_of(outcome)
    if want is None or sorted(got) == sorted(want):
        return []
    return [Failure(f"grouped by {fmt(got)} (first route), expected {fmt(want)}", list_diff(want, got))]


def _group_labels(case: AlertCase, outcome: Outcome) -> list[Failure]:
    want = case.expected_group_labels
    got = outcome.deliveries[0].route.group_labels(outcome.labels) if outcome.deliveries else {}
    if want is None or got == want:
        return []
    pairs = [f"{k}={v}" for k, v in sorted(got.items())]
    wanted = [f"{k}={v}" for k, v in sorted(want.items())]
    return [
        Failure(
            f"in group {{{', '.join(pairs)}}} (first route), expected {{{', '.join(wanted)}}}", list_diff(wanted, pairs)
        )
    ]


def _inhibition(case: AlertCase, outcome: Outcome) -> list[Failure]:
    got = outcome.inhibited_by
    want = case.expected_inhibited_by if case.expected_inhibited_by is not None else case.expected_inhibited
    if want is None or (isinstance(want, bool) and bool(got) == want) or (isinstance(want, str) and want in got):
        return []
    sources = "; ".join(f"{rule} by {alert_title(src)}" for rule, src in outcome.inhibit_sources)
    what = f"inhibited ({sources})" if got else "not inhibited"
    expected = "not inhibited" if want is False else "inhibited" if want is True else f"inhibited by {want}"
    return [Failure(f"{what}, expected {expected}")]


def _muting(case: AlertCase, outcome: Outcome) -> list[Failure]:
    if case.expected_muted_by is None:
        return []
    want, got = sorted(case.expected_muted_by), outcome.muted_by
    if got == want:
        return []
    what = f"muted by {fmt(got)}" if got else "not muted"
    return [Failure(f"{what}, expected {'muted by ' + fmt(want) if want else 'not muted'}", list_diff(want, got))]
