"""Helpers: Alertmanager configs written inline."""

from __future__ import annotations

import re
import textwrap

import pytest

from opsverify.alertmanager.config import config_from_text
from opsverify.alertmanager.model import Config


@pytest.fixture
def am():
    """``am(yaml)`` -> Config; receivers named in the route tree are declared automatically."""

    def make(text: str, receivers: list[str] | None = None) -> Config:
        body = textwrap.dedent(text)
        if "receivers:" not in body:
            names = receivers or sorted(set(_receivers(body)))
            body += "\nreceivers:\n" + "".join(f"  - name: {n}\n" for n in names)
        return config_from_text(body, "am.yml")

    return make


def _receivers(text: str) -> list[str]:
    return re.findall(r"receiver:\s*([\w-]+)", text)
