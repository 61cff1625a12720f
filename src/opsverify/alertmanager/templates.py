"""Notification templates: the default definitions, the config's ``templates:`` files, text and HTML rendering.

Default definitions are written here from Alertmanager's documented defaults (template/default.tmpl): the subject,
the text alert list, Telegram's message and Slack's title/text/color/fallback; a default that is not here (e.g. the
big ``email.default.html`` page) is a clear error asking for the field to be set. HTML mode (Telegram's default
``parse_mode: HTML``, ``email_configs[].html``) escapes every action's output as html/template does in text context,
except ``safeHtml`` values; attribute/URL contexts are not distinguished.
"""

from __future__ import annotations

import datetime as dt
import glob
import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..rules.template import TemplateError
from ..rules.template.execute import Executor, print_value
from ..rules.template.nodes import Action, Node
from ..rules.template.parser import Tree, parse
from .tmplfuncs import SafeHTML, alertmanager_funcs

DEFAULTS = "".join(
    [
        '{{ define "__alertmanager" }}Alertmanager{{ end }}',
        '{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}',
        '{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}'
        '{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}'
        '({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}',
        '{{ define "__text_alert_list" }}{{ range . }}Labels:\n'
        "{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}\n{{ end }}Annotations:\n"
        "{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}\n{{ end }}Source: {{ .GeneratorURL }}\n"
        "{{ end }}{{ end }}",
        '{{ define "__firing_resolved" }}\n{{ if gt (len .Alerts.Firing) 0 }}\nAlerts Firing:\n'
        '{{ template "__text_alert_list" .Alerts.Firing }}\n{{ end }}\n{{ if gt (len .Alerts.Resolved) 0 }}\n'
        'Alerts Resolved:\n{{ template "__text_alert_list" .Alerts.Resolved }}\n{{ end }}\n{{ end }}',
        '{{ define "telegram.default.message" }}{{ template "__firing_resolved" . }}{{ end }}',
        '{{ define "discord.default.message" }}{{ template "__firing_resolved" . }}{{ end }}',
        '{{ define "discord.default.title" }}{{ template "__subject" . }}{{ end }}',
        '{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}',
        '{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}',
        '{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | '
        '{{ template "slack.default.titlelink" . }}{{ end }}',
        '{{ define "slack.default.text" }}{{ end }}{{ define "slack.default.pretext" }}{{ end }}',
        '{{ define "slack.default.color" }}{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}{{ end }}',
        '{{ define "email.default.subject" }}{{ template "__subject" . }}{{ end }}',
        '{{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}',
        '{{ define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end }}',
    ]
)

# integration -> field -> (default template text, HTML mode?)
FIELDS: dict[str, dict[str, str]] = {
    "telegram": {"message": '{{ template "telegram.default.message" . }}'},
    "slack": {
        "text": '{{ template "slack.default.text" . }}',
        "title": '{{ template "slack.default.title" . }}',
        "pretext": '{{ template "slack.default.pretext" . }}',
        "fallback": '{{ template "slack.default.fallback" . }}',
        "color": '{{ template "slack.default.color" . }}',
    },
    "email": {
        "html": '{{ template "email.default.html" . }}',
        "text": "",
        "subject": '{{ template "email.default.subject" . }}',
    },
    "discord": {
        "message": '{{ template "discord.default.message" . }}',
        "title": '{{ template "discord.default.title" . }}',
    },
    "pagerduty": {"description": '{{ template "pagerduty.default.description" . }}'},
    "opsgenie": {"message": '{{ template "opsgenie.default.message" . }}'},
}
FUNC_NAMES = frozenset(alertmanager_funcs(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))


@lru_cache(maxsize=256)
def _parse(text: str, name: str) -> Tree:
    return parse(text, name, FUNC_NAMES)


class TemplateFileError(SourceError):
    """A template file named by the config's ``templates:`` does not parse (Alertmanager refuses the config)."""


class TemplateSet:
    """The defaults plus the config's template files (later definitions win, as in Go's template.ParseGlob)."""

    def __init__(self, patterns: list[str]) -> None:
        self.defs: dict[str, list[Node]] = dict(_parse(DEFAULTS, "default.tmpl").templates)
        for pattern in patterns:
            for path in sorted(glob.glob(pattern)):
                self.defs.update(_parse_file(Path(path)).templates)

    def render(self, text: str, data: Any, at: dt.datetime, html_mode: bool = False, name: str = "field") -> str:
        """Expand ``text``; raises :class:`TemplateError` (parse or execution) with Go's wording."""
        tree = _parse(text, name)
        full = Tree(name, text, tree.root, {**self.defs, **tree.templates})
        executor = (_HTMLExecutor if html_mode else Executor)(full, alertmanager_funcs(at))
        return executor.run(data)


def _parse_file(path: Path) -> Tree:
    try:
        return _parse(path.read_text(encoding="utf-8"), path.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateFileError(str(path), 0, f"cannot read: {exc}") from None
    except TemplateError as exc:
        m = re.match(r"template: [^:]*:(\d+):\s*(.*)", str(exc), re.S)
        line, what = (int(m.group(1)), m.group(2)) if m else (0, str(exc))
        raise TemplateFileError(str(path), line, f"invalid template: {what}") from None


class _HTMLExecutor(Executor):
    def walk(self, dot: Any, node: Node) -> None:
        if isinstance(node, Action) and not node.pipe.decl:
            value = self.eval_pipe(dot, node.pipe)
            text = print_value(value)
            self.out.append(text if isinstance(value, SafeHTML) else _escape(text))
            return
        super().walk(dot, node)


def _escape(text: str) -> str:
    return html.escape(text, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;").replace("\0", "\ufffd")


__all__ = ["FIELDS", "TemplateError", "TemplateSet"]
