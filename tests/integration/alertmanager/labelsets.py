"""Seeded random label sets aimed at a config's matchers, for differential tests against amtool / Alertmanager."""

from __future__ import annotations

import random
import re

from opsverify.alertmanager.model import Config, Route

_CLASS = re.compile(r"\[(\^?)([^\]]*)\]")


def regex_samples(pattern: str, rng: random.Random) -> list[str]:
    """Strings likely (not certain) to match ``pattern``: one per top-level alternative, classes filled in."""
    body = pattern.strip("^$")
    out = []
    for alt in body.split("|"):
        text = _CLASS.sub(lambda m: _class_char(m, rng), alt)
        text = text.replace(".*", rng.choice(["", "x", "-1"])).replace(".+", rng.choice(["y", "2"]))
        text = re.sub(r"[()?^$\\*+]", "", text).replace(".", rng.choice([".", "a"]))
        out.append(text)
    return out


def _class_char(m: re.Match[str], rng: random.Random) -> str:
    spec = m.group(2)
    if m.group(1):
        return "z"
    if "0-9" in spec:
        return str(rng.randint(0, 9))
    return spec[0] if spec else "x"


def candidate_values(config: Config, rng: random.Random) -> dict[str, list[str]]:
    pool: dict[str, set[str]] = {}
    matchers = [m for r in config.routes() for m in r.matchers]
    matchers += [m for rule in config.inhibit_rules for m in [*rule.source, *rule.target]]
    for m in matchers:
        values = pool.setdefault(m.name, set())
        if m.op in ("=~", "!~"):
            values.update(regex_samples(m.value, rng))
        values.add(m.value)
    pool.setdefault("alertname", set()).update({"Watchdog", "TargetDown", "DBDown"})
    return {k: sorted(v) for k, v in pool.items()}


def aimed(route: Route, rng: random.Random) -> dict[str, str]:
    """Labels meant to satisfy every matcher on the path to ``route`` (regex guesses may miss: that is fine)."""
    labels: dict[str, str] = {}
    for node in route.path():
        for m in node.matchers:
            if m.op == "=":
                labels[m.name] = m.value
            elif m.op == "=~":
                labels[m.name] = rng.choice(regex_samples(m.value, rng))
            elif rng.random() < 0.5:
                labels.pop(m.name, None)
            else:
                labels[m.name] = "other"
    return labels


def label_sets(config: Config, count: int, seed: int) -> list[dict[str, str]]:
    """Half aimed at a random route (then perturbed), half drawn label by label from the matchers' values."""
    rng = random.Random(seed)
    pool = candidate_values(config, rng)
    routes = config.routes()
    out = []
    for i in range(count):
        if i % 2:
            labels = {"alertname": rng.choice(pool["alertname"]), **aimed(rng.choice(routes), rng)}
            if rng.random() < 0.5:
                name = rng.choice(sorted(pool))
                labels[name] = rng.choice(pool[name])
            out.append(labels)
            continue
        labels = {}
        for name, values in pool.items():
            roll = rng.random()
            if roll < 0.3 and name != "alertname":
                continue
            if roll < 0.85:
                labels[name] = rng.choice(values)
            elif roll < 0.95:
                labels[name] = rng.choice(["other", "x1", "prod", "eu-west-1", "Critical"])
            else:
                labels[name] = ""
        out.append(labels)
    return out
