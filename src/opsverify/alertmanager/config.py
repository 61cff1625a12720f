"""Load an Alertmanager configuration file into :mod:`.model`, with ``file:line: what`` errors.

Scalars are read as Go's YAML decoder reads them into string fields (``match: {test: 2}`` is "2", ``yes`` is "yes").
Receivers' integration settings are kept as written (only the template fields are used, for rendering).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..yamlsrc import LDict, load, loads
from .config_routes import RouteBuilder, matcher_list
from .model import Config, InhibitRule, Receiver
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
    receivers = _receivers(raw.get("receivers") or [], fail)
    route = RouteBuilder(fail, set(receivers), set(intervals)).root(raw["route"])
    inhibit = _inhibit_rules(raw.get("inhibit_rules") or [], fail)
    base = Path(filename).parent
    templates = [str(t) if Path(str(t)).is_absolute() else str(base / str(t)) for t in raw.get("templates") or []]
    return Config(filename, route, receivers, inhibit, intervals, templates, dict(raw.get("global") or {}))


def _receivers(items: Any, fail: Any) -> dict[str, Receiver]:
    out: dict[str, Receiver] = {}
    for item in items:
        if not isinstance(item, LDict):
            raise fail(getattr(items, "line", 0), "receivers: expected a list of mappings")
        name = str(item.get("name") or "")
        if not name:
            raise fail(item.line, "missing name in receiver")
        if name in out:
            raise fail(item.line, f'notification config name "{name}" is not unique')
        integrations = {k: list(v or []) for k, v in item.items() if k.endswith("_configs")}
        out[name] = Receiver(name, item.line, integrations)
    return out


def _time_intervals(raw: LDict, fail: Any) -> dict[str, TimeInterval]:
    out: dict[str, TimeInterval] = {}
    for key in ("mute_time_intervals", "time_intervals"):
        for item in raw.get(key) or []:
            if not isinstance(item, LDict) or not item.get("name"):
                raise fail(getattr(item, "line", raw.line_of(key)), f"missing name in {key.replace('_', ' ')[:-1]}")
            name = str(item["name"])
            if name in out:
                raise fail(item.line, f"time interval {name!r} is not unique")
            specs = []
            for spec in item.get("time_intervals") or []:
                try:
                    specs.append(parse_spec(dict(spec) if isinstance(spec, dict) else {}))
                except IntervalError as exc:
                    raise fail(getattr(spec, "line", item.line), f"time interval {name!r}: {exc}") from None
            out[name] = TimeInterval(name, tuple(specs), item.line)
    return out


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
        equal = [str(e) for e in item.get("equal") or []]
        name = str(item.get("name") or f"inhibit_rules[{i}]")
        out.append(InhibitRule(source, target, equal, name, item.line))
    return out
