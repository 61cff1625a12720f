"""Load an Alertmanager configuration file into :mod:`.model`, with ``file:line: what`` errors.

Scalars are read as Go's YAML decoder reads them into string fields (``match: {test: 2}`` is "2", ``yes`` is "yes").
Receivers' integration settings are kept as written (only the template fields are used, for rendering).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..yamlsrc import LDict, load, loads
from .config_routes import RouteBuilder, matcher_list, str_list
from .model import Config, InhibitRule, Receiver
from .templates import TemplateSet
from .timeintervals import IntervalError, TimeInterval, parse_spec

TOP_KEYS = {"global", "route", "receivers", "inhibit_rules", "templates", "mute_time_intervals", "time_intervals"}
TOP_KEYS |= {"tracing"}


class ConfigError(SourceError):
    """The Alertmanager configuration is invalid."""


def load_config(path: str | Path) -> Config:
    """Parse and validate an Alertmanager configuration file."""
    try:
        raw = load(path, go_text=True)
    except SourceError as exc:
        raise ConfigError(exc.file, exc.line, exc.message) from None
    return build_config(raw, str(path))


def config_from_text(text: str, filename: str = "<config>") -> Config:
    try:
        raw = loads(text, filename, go_text=True)
    except SourceError as exc:
        raise ConfigError(exc.file, exc.line, exc.message) from None
    return build_config(raw, filename)


def build_config(raw: Any, filename: str) -> Config:
    def fail(line: int, message: str) -> ConfigError:
        return ConfigError(filename, line, message)

    if not isinstance(raw, LDict):
        raise fail(0, "expected a mapping at the top level")
    for key in raw:
        if key not in TOP_KEYS:
            raise fail(raw.line_of(key), f"field {key} not found in type config.plain")
    if "route" not in raw or not isinstance(raw["route"], LDict):
        raise fail(raw.line, "no route provided in config")
    intervals = _time_intervals(raw, fail)
    receivers = _receivers(_items(raw, "receivers", fail), fail)
    route = RouteBuilder(fail, set(receivers), set(intervals)).root(raw["route"])
    inhibit = _inhibit_rules(_items(raw, "inhibit_rules", fail), fail)
    base = Path(filename).parent
    templates = [t if Path(t).is_absolute() else str(base / t) for t in str_list(raw, "templates", fail)]
    TemplateSet(templates)  # Alertmanager refuses a config whose template files do not parse
    _global(raw, fail)
    return Config(filename, route, receivers, inhibit, intervals, templates, dict(raw.get("global") or {}))


GLOBAL_KEYS = {"resolve_timeout", "http_config", "smtp_from", "smtp_hello", "smtp_smarthost", "smtp_auth_username"}
GLOBAL_KEYS |= {"smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_secret_file"}
GLOBAL_KEYS |= {"smtp_auth_identity", "smtp_require_tls", "smtp_tls_config", "smtp_force_implicit_tls"}
GLOBAL_KEYS |= {"slack_api_url", "slack_api_url_file", "slack_app_token", "slack_app_token_file", "slack_app_url"}
GLOBAL_KEYS |= {"pagerduty_url", "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "jira_api_url"}
GLOBAL_KEYS |= {"wechat_api_url", "wechat_api_secret", "wechat_api_secret_file", "wechat_api_corp_id"}
GLOBAL_KEYS |= {"victorops_api_url", "victorops_api_key", "victorops_api_key_file", "webex_api_url"}
GLOBAL_KEYS |= {"telegram_api_url", "telegram_bot_token", "telegram_bot_token_file", "rocketchat_api_url"}
GLOBAL_KEYS |= {"rocketchat_token", "rocketchat_token_file", "rocketchat_token_id", "rocketchat_token_id_file"}
GLOBAL_KEYS |= {"mattermost_webhook_url", "mattermost_webhook_url_file"}
INTEGRATIONS = {"discord", "email", "incidentio", "jira", "mattermost", "msteams", "msteamsv2", "opsgenie"}
INTEGRATIONS |= {"pagerduty", "pushover", "rocketchat", "slack", "sns", "telegram", "victorops", "webex", "webhook"}
INTEGRATIONS |= {"wechat"}
RECEIVER_KEYS = {"name"} | {f"{kind}_configs" for kind in INTEGRATIONS}


def _receivers(items: Any, fail: Any) -> dict[str, Receiver]:
    """Receivers with their integrations' settings as written (checked: the keys, not each integration's fields)."""
    out: dict[str, Receiver] = {}
    for item in items:
        if not isinstance(item, LDict):
            raise fail(getattr(items, "line", 0), "receivers: expected a list of mappings")
        name = _name(item, "receiver", fail)
        if name in out:
            raise fail(item.line, f'notification config name "{name}" is not unique')
        _known_keys(item, RECEIVER_KEYS, fail)
        integrations = {k: _integration_list(item, k, fail) for k in item if k.endswith("_configs")}
        out[name] = Receiver(name, item.line, integrations)
    return out


def _global(raw: LDict, fail: Any) -> None:
    section = raw.get("global")
    if section is None:
        return
    if not isinstance(section, LDict):
        raise fail(raw.line_of("global"), "global: expected a mapping")
    _known_keys(section, GLOBAL_KEYS, fail)


def _name(item: LDict, what: str, fail: Any) -> str:
    name = item.get("name")
    if isinstance(name, dict | list):
        raise fail(item.line_of("name"), f"{what} name: expected a string")
    if not name:
        raise fail(item.line, f"missing name in {what}")
    return str(name)


def _known_keys(item: LDict, known: set[str], fail: Any) -> None:
    for key in item:
        if key not in known:
            raise fail(item.line_of(key), f"field {key} not found in type config.plain")


def _integration_list(item: LDict, key: str, fail: Any) -> list[dict[str, Any]]:
    configs = _items(item, key, fail)
    for entry in configs:
        if not isinstance(entry, dict):
            raise fail(getattr(entry, "line", item.line_of(key)), f"{key}: expected a list of mappings")
    return [dict(entry) for entry in configs]


def _time_intervals(raw: LDict, fail: Any) -> dict[str, TimeInterval]:
    out: dict[str, TimeInterval] = {}
    for key in ("mute_time_intervals", "time_intervals"):
        for item in _items(raw, key, fail):
            if not isinstance(item, LDict):
                raise fail(getattr(item, "line", raw.line_of(key)), f"{key}: expected a list of mappings")
            name = _name(item, key.replace("_", " ")[:-1], fail)
            _known_keys(item, {"name", "time_intervals"}, fail)
            if name in out:
                raise fail(item.line, f"time interval {name!r} is not unique")
            specs = []
            for spec in _items(item, "time_intervals", fail):
                try:
                    if not isinstance(spec, dict):
                        raise IntervalError("expected a mapping")
                    specs.append(parse_spec(dict(spec)))
                except IntervalError as exc:
                    raise fail(getattr(spec, "line", item.line), f"time interval {name!r}: {exc}") from None
            out[name] = TimeInterval(name, tuple(specs), item.line)
    return out


def _items(raw: LDict, key: str, fail: Any) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(raw.line_of(key), f"{key}: expected a list")
    return value


def _inhibit_rules(items: Any, fail: Any) -> list[InhibitRule]:
    out: list[InhibitRule] = []
    for i, item in enumerate(items):
        if not isinstance(item, LDict):
            raise fail(getattr(items, "line", 0), "inhibit_rules: expected a list of mappings")
        known = {"name", "equal"} | {
            f"{s}_{k}" for s in ("source", "target") for k in ("match", "match_re", "matchers")
        }
        for key in item:
            if key not in known:
                raise fail(item.line_of(key), f"field {key} not found in type config.plain")
        source = matcher_list(item, "source_", fail)
        target = matcher_list(item, "target_", fail)
        equal = str_list(item, "equal", fail)
        name = str(item.get("name") or f"inhibit_rules[{i}]")
        out.append(InhibitRule(source, target, equal, name, item.line))
    return out
