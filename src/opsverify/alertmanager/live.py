"""The one place this package talks to a running Alertmanager: its loaded configuration, for coverage checks."""

from __future__ import annotations

import httpx

from ..errors import OpsverifyError
from .config import config_from_text
from .model import Config


class LiveConfigError(OpsverifyError):
    """The Alertmanager did not answer with its configuration."""


def fetch_config(url: str, timeout: float = 5.0) -> Config:
    """GET ``{url}/api/v2/status`` and parse ``config.original`` (the YAML it runs); templates are not included."""
    status_url = url.rstrip("/") + "/api/v2/status"
    try:
        resp = httpx.get(status_url, timeout=timeout)
        resp.raise_for_status()
        text = resp.json()["config"]["original"]
    except httpx.HTTPError as exc:
        raise LiveConfigError(f"{status_url}: {type(exc).__name__}: {exc}") from None
    except (ValueError, KeyError, TypeError):
        raise LiveConfigError(f"{status_url}: no config.original in the answer") from None
    return config_from_text(str(text), f"{url} (running config)")
