"""Seeded line mutations of YAML files (deleted, inserted junk, changed values, swapped lines) for robustness and
differential tests."""

from __future__ import annotations

import random

JUNK = [
    "",
    "  x: 1",
    "- 3",
    "{",
    "]",
    ": :",
    "null",
    "~",
    "  - name:",
    "'a",
    "\t",
    "yes",
    "[]",
    "{}",
    '  matchers: ["a=~("]',
]
VALUES = ["3", "[]", "{}", "null", "x", "[a, b]", "'{{ .Foo'", "-1", "24:01", "monday:sunday", "[{a: b}]"]


def mutate(lines: list[str], rng: random.Random) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(1, 3)):
        i, roll = rng.randrange(len(out)), rng.random()
        if roll < 0.3:
            del out[i]
        elif roll < 0.6:
            out.insert(i, rng.choice(JUNK))
        elif roll < 0.8 and ":" in out[i]:
            out[i] = out[i].split(":", 1)[0] + ": " + rng.choice(VALUES)
        else:
            j = rng.randrange(len(out))
            out[i], out[j] = out[j], out[i]
    return out
