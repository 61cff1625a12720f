"""``readiness.html``: the page a person reads in ten seconds.

In this order (GUIDE.md section 8): the verdict (banner: PASS / FAIL at --fail-on) and counts by severity; what is
new since the last run, what still fails (since when), what was fixed; what is waived or attested and until when
(within 14 days highlighted); the failures, root causes first, then grouped by inventory entry with its description,
each with its one-line reason; the passing checks, collapsed, each with its measured value; a trend of the last runs
(inline SVG).

Self-contained: no script, no external fetch (a Content-Security-Policy forbids them), inline CSS that fits a phone.
Every text from a target or the inventory goes through :func:`e` (masked, then HTML-escaped), so it is inert.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from ..masking import mask
from ..severity import SEVERITIES
from .results import CheckResult, RunResult, TrendPoint, severity_rank

SOON_DAYS = 14
KIND_NAMES = {
    "containers": "container",
    "compose": "compose project",
    "http": "HTTP endpoint",
    "hosts": "host",
    "logs": "logs",
    "backups": "backup",
    "secrets": "secrets",
    "prometheus": "Prometheus",
    "alertmanager": "Alertmanager",
    "grafana": "Grafana",
    "rules": "alert rules",
    "checklist": "checklist item",
}
_COLOURS = {"critical": "#b3261e", "warning": "#a15c00", "info": "#1f5fa8"}

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#f6f6f7;
 overflow-wrap:anywhere}
main{max-width:980px;margin:0 auto;padding:12px}
h1{font-size:1.25rem;margin:.3rem 0}h2{font-size:1.08rem;margin:1.4rem 0 .4rem}h3{font-size:1rem;margin:.2rem 0}
.meta{color:#555;margin:.2rem 0 .8rem}
.banner{border-radius:8px;padding:14px 16px;color:#fff;font-size:1.15rem}
.banner strong{font-size:1.6rem;margin-right:.5rem}
.banner.pass{background:#1e7d32}.banner.fail{background:#b3261e}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0;padding:0;list-style:none}
.counts li{background:#fff;border-radius:6px;padding:6px 10px;border-left:5px solid #999;min-width:9rem}
.counts .critical{border-color:#b3261e}.counts .warning{border-color:#a15c00}.counts .info{border-color:#1f5fa8}
.card{background:#fff;border-radius:8px;padding:10px 12px;margin:8px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
ul.checks{list-style:none;padding:0;margin:.3rem 0}
ul.checks li{padding:4px 0;border-top:1px solid #eee}ul.checks li:first-child{border-top:0}
ul.checks.card{padding:8px 12px}ul.checks li.card{padding:8px 12px;border-top:0}
.sev{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;color:#fff;border-radius:4px;
 padding:0 5px;margin-right:4px}
.sev.critical{background:#b3261e}.sev.warning{background:#a15c00}.sev.info{background:#1f5fa8}
.badge{display:inline-block;font-size:.75rem;border-radius:4px;padding:0 5px;margin-right:4px;background:#e8e8ea}
.badge.new{background:#ffd8d4;color:#7a1710;font-weight:700}.badge.fixed{background:#d4f5d9;color:#14501f}
.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.86rem;color:#333}
.desc{color:#555;margin:.1rem 0 .3rem}
.root{border-left:6px solid #b3261e}
details>summary{cursor:pointer}
.soon{background:#fff4d6;border-left:5px solid #a15c00}
.expired{background:#ffe3e0;border-left:5px solid #b3261e}
.muted{color:#666}
svg{width:100%;height:auto;display:block;background:#fff;border-radius:8px}
footer{color:#666;font-size:.85rem;margin:2rem 0 1rem}
a{color:#1f5fa8}
"""


def e(value: object) -> str:
    """Masked and HTML-escaped: the only way text gets into the page."""
    return html.escape(mask(str(value)), quote=True)


def _when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") + " UTC" if iso else "?"


def _sev(severity: str) -> str:
    return f'<span class="sev {e(severity)}">{e(severity)}</span>'


def _check_line(c: CheckResult, show_change: bool = True) -> str:
    badge = ""
    if show_change and c.change == "new":
        badge = '<span class="badge new">new</span>'
    elif show_change and c.change == "still-failing":
        badge = f'<span class="badge">since {e(_when(c.first_failed_at))}</span>'
    text = c.reason or c.measured
    return (
        f'<li data-check="{e(c.id)}">{_sev(c.severity)}{badge}<span class="id">{e(c.id)}</span><br>{e(text)}'
        f"{_note(c)}</li>"
    )


def _note(c: CheckResult) -> str:
    return f'<br><span class="muted">{e(c.waiver_note)}</span>' if c.waiver_note else ""


def _groups(checks: Iterable[CheckResult]) -> dict[tuple[str, str], list[CheckResult]]:
    groups: dict[tuple[str, str], list[CheckResult]] = {}
    for c in checks:
        groups.setdefault((c.kind, c.target), []).append(c)
    return groups


def _entry_header(kind: str, target: str, checks: list[CheckResult]) -> str:
    desc = next((c.description for c in checks if c.description), "")
    what = KIND_NAMES.get(kind, kind)
    out = f'<h3>{e(target or "(no target)")} <span class="muted">· {e(what)}</span></h3>'
    return out + (f'<p class="desc">{e(desc)}</p>' if desc else "")


def render(run: RunResult, history_error: str | None = None) -> str:
    title = f"opsverify readiness: {run.name}" + (f" [{run.environment}]" if run.environment else "")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{e(title)}</h1>",
        _meta(run),
        _banner(run),
        _counts(run),
    ]
    if history_error:
        parts.append(
            f'<div class="card expired" id="history-error"><b>History unavailable:</b> {e(history_error)}</div>'
        )
    parts += [_changes(run), _waivers(run), _failures(run), _passing(run), _trend(run.trend), _notes(run)]
    parts.append(
        f"<footer>opsverify · run {e(run.run_id)} · inventory {e(run.inventory)}"
        + (f' · <a href="{e(run.html_log)}">detailed pytest-html log</a>' if run.html_log else "")
        + "</footer></main></body></html>\n"
    )
    return "\n".join(p for p in parts if p)


def _meta(run: RunResult) -> str:
    log = f' · <a href="{e(run.html_log)}" id="log-link">detailed log</a>' if run.html_log else ""
    return (
        f'<p class="meta">Run {e(_when(run.started_at))} · fail-on <b>{e(run.fail_on)}</b> · '
        f"{len(run.checks)} checks{log}</p>"
    )


def _banner(run: RunResult) -> str:
    failed = len(run.failures())
    if run.verdict == "PASS":
        below = f"; {failed} failed below it" if failed else ""
        text = f"no failed check at or above --fail-on {run.fail_on}{below}"
    else:
        text = f"{run.blocking} failed check(s) at or above --fail-on {run.fail_on}"
    cls = "pass" if run.verdict == "PASS" else "fail"
    return (
        f'<section id="banner" class="banner {cls}" data-verdict="{e(run.verdict)}" role="status">'
        f"<strong>{e(run.verdict)}</strong>{e(text)}</section>"
    )


def _counts(run: RunResult) -> str:
    items = []
    for severity in SEVERITIES:
        n = run.counts.get(severity, {})
        items.append(
            f'<li class="{severity}" data-severity="{severity}"><b>{severity}</b><br>'
            f'<span data-failed="{n.get("failed", 0)}">{n.get("failed", 0)} failed</span> · '
            f"{n.get('passed', 0)} passed" + (f" · {n['waived']} waived" if n.get("waived") else "") + "</li>"
        )
    return f'<ul class="counts" id="counts">{"".join(items)}</ul>'


def _changes(run: RunResult) -> str:
    if run.history is None:
        return ""
    new, still = run.new_failures(), run.still_failing()
    fixed = "".join(
        f'<li data-check="{e(f.id)}">{_sev(f.severity)}<span class="badge fixed">fixed</span>'
        f'<span class="id">{e(f.id)}</span><br><span class="muted">was: {e(f.last_reason)}'
        + (f" (failing since {e(_when(f.failing_since))})" if f.failing_since else "")
        + "</span></li>"
        for f in run.fixed
    )
    none = '<li class="muted">none</li>'
    return (
        '<section id="changes">'
        f'<h2>New since the last run ({len(new)})</h2><ul class="checks card" id="new">'
        f"{_folded(run, new, False) or none}</ul>"
        f'<h2>Still failing ({len(still)})</h2><ul class="checks card" id="still-failing">'
        f"{_folded(run, still, True) or none}</ul>"
        f'<h2>Fixed since the last run ({len(run.fixed)})</h2><ul class="checks card" id="fixed">{fixed or none}</ul>'
        "</section>"
    )


def _folded(run: RunResult, checks: list[CheckResult], show_change: bool) -> str:
    """Checks as list items, those under one root cause folded into one expandable line."""
    roots, rest = run.fold(checks)
    out = [
        f'<li data-root-of="{e(root.key)}"><details><summary>{_sev(root.severity)}<b>{e(root.line)}</b> · '
        f'{len(under)} checks</summary><ul class="checks">{"".join(_check_line(c, show_change) for c in under)}'
        "</ul></details></li>"
        for root, under in roots
    ]
    return "".join(out) + "".join(_check_line(c, show_change) for c in rest)


def _failures(run: RunResult) -> str:
    failures = run.failures()
    if not failures:
        return '<section id="failures"><h2>Failures (0)</h2><p class="card">Every check passed.</p></section>'
    by_id = {c.id: c for c in failures}
    out = [f'<section id="failures"><h2>Failures ({len(failures)})</h2>']
    for root in run.root_causes:
        deps = [by_id[i] for i in root.checks if i in by_id]
        out.append(
            f'<details class="card root" data-root="{e(root.key)}"><summary>{_sev(root.severity)}'
            f"<b>{e(root.line)}</b> · {root.dependents} dependent checks</summary>"
            f'<ul class="checks">{"".join(_check_line(c) for c in deps)}</ul></details>'
        )
    rest = [c for c in failures if c.root_cause is None]
    groups = _groups(rest)
    order = sorted(groups, key=lambda k: (-max(severity_rank(c.severity) for c in groups[k]), k))
    for kind, target in order:
        checks = groups[(kind, target)]
        out.append(
            f'<div class="card group" data-entry="{e(kind)}:{e(target)}">{_entry_header(kind, target, checks)}'
            f'<ul class="checks">{"".join(_check_line(c) for c in checks)}</ul></div>'
        )
    out.append("</section>")
    return "".join(out)


def _waivers(run: RunResult) -> str:
    rows = []
    for w in run.waivers:
        bad = w.days_left < 0 or w.state == "reason-mismatch"
        cls = "expired" if bad else "soon" if w.days_left <= SOON_DAYS else ""
        left = f"expired {-w.days_left} days ago" if w.days_left < 0 else f"{w.days_left} days left"
        waived = [c.id for c in run.checks if c.waiver is w and c.outcome == "waived"]
        match = f" · reason must match /{e(w.reason_match)}/" if w.reason_match else " · matches any failure reason"
        owner = f" · owner {e(w.owner)}" if w.owner else ""
        rows.append(
            f'<li class="card {cls}" data-waiver="{e(w.check)}" data-days-left="{w.days_left}"><b>waiver</b> '
            f'<span class="id">{e(w.check)}</span> · <b>{e(left)}</b> (until {e(w.expires)}) · {e(w.state)}{owner}'
            f'<br>{e(w.reason)}<span class="muted">{match}</span>'
            + (f"<br>waived now: {e(', '.join(waived))}" if waived else "")
            + "</li>"
        )
    for a in run.attestations:
        days = a.days_left
        cls = "expired" if a.state != "valid" else "soon" if days is not None and days <= SOON_DAYS else ""
        if a.state == "missing":
            text = "no attestation recorded"
        else:
            left = f"expired {-(days or 0)} days ago" if a.state == "expired" else f"{days} days left"
            text = f"attested by {a.attested_by} on {a.attested_on} · {left} (until {a.expires})"
        evidence = f" · evidence: {e(a.evidence)}" if a.evidence else ""
        rows.append(
            f'<li class="card {cls}" data-attestation="{e(a.name)}" data-state="{e(a.state)}"><b>attestation</b> '
            f"{_sev(a.severity)}<b>{e(a.name)}</b> · {e(text)}{evidence}"
            + (f'<br><span class="muted">{e(a.description)}</span>' if a.description else "")
            + "</li>"
        )
    if not rows:
        return ""
    return f'<section id="waivers"><h2>Waivers and attestations</h2><ul class="checks">{"".join(rows)}</ul></section>'


def _trend(points: list[TrendPoint]) -> str:
    if not points:
        return ""
    width, height, pad = 600, 160, 24
    n = len(points)
    step = (width - 2 * pad) / max(n, 1)
    top = max([sum(p.failed.values()) for p in points] + [1])
    bars, dots = [], []
    for i, p in enumerate(points):
        x = pad + i * step
        y = float(height - pad)
        for severity in reversed(SEVERITIES):  # info at the bottom, critical on top
            count = p.failed.get(severity, 0)
            if not count:
                continue
            h = (height - 2 * pad) * count / top
            y -= h
            bars.append(
                f'<rect x="{x + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{_COLOURS[severity]}" opacity="0.8"><title>{e(_when(p.started_at))}: {count} {severity} '
                f"failed</title></rect>"
            )
        cy = pad + (height - 2 * pad) * (1 - p.pass_ratio)
        dots.append((x + step / 2, cy, p))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in dots)
    circles = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1e7d32"><title>{e(_when(p.started_at))}: '
        f"{p.pass_ratio:.0%} passed ({p.passed}/{p.total})</title></circle>"
        for x, y, p in dots
    )
    first, last = _when(points[0].started_at)[:10], _when(points[-1].started_at)[:10]
    svg = (
        f'<svg id="trend-svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="pass ratio and failures by severity, last {n} runs" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#bbb"/>'
        f"{''.join(bars)}"
        f'<polyline points="{line}" fill="none" stroke="#1e7d32" stroke-width="2"/>{circles}'
        f'<text x="{pad}" y="{height - 6}" font-size="11" fill="#555">{e(first)}</text>'
        f'<text x="{width - pad}" y="{height - 6}" font-size="11" fill="#555" text-anchor="end">{e(last)}</text>'
        f'<text x="{pad}" y="14" font-size="11" fill="#555">pass ratio (line, top = 100 %) · failed checks by '
        f"severity (bars, max {top})</text></svg>"
    )
    latest = points[-1]
    return (
        f'<section id="trend" data-runs="{n}"><h2>Trend: the last {n} runs</h2>{svg}'
        f'<p class="muted">This run: {latest.pass_ratio:.0%} passed ({latest.passed}/{latest.total}).</p></section>'
    )


def _passing(run: RunResult) -> str:
    passing = [c for c in run.checks if c.outcome == "passed"]
    if not passing:
        return ""
    out = [
        f'<section id="passing"><h2>Passing checks ({len(passing)})</h2><details class="card">'
        f"<summary>show the {len(passing)} passing checks with what they measured</summary>"
    ]
    for (kind, target), checks in sorted(_groups(passing).items()):
        items = "".join(
            f'<li data-check="{e(c.id)}"><span class="id">{e(c.id)}</span> {_sev(c.severity)}<br>'
            f'{e(c.measured or "ok")} <span class="muted">({c.duration_seconds:.2f} s)</span></li>'
            for c in checks
        )
        out.append(f'<div class="group">{_entry_header(kind, target, checks)}<ul class="checks">{items}</ul></div>')
    out.append("</details></section>")
    return "".join(out)


def _notes(run: RunResult) -> str:
    if not run.notes:
        return ""
    items = "".join(f"<li>{e(n)}</li>" for n in run.notes)
    return f'<section id="notes"><h2>Notes</h2><ul class="card">{items}</ul></section>'


def write(run: RunResult, path: Path, history_error: str | None = None) -> Path:
    path.write_text(render(run, history_error), encoding="utf-8")
    return path
