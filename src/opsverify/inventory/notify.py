"""The inventory's ``notify:`` key: where to send the run's digest after the run (opt-in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..schema import Duration


@dataclass(kw_only=True)
class TelegramNotify:
    """Telegram Bot API ``sendMessage``; the token and chat id come from the environment, never from the file."""

    token_env: str = "OPSVERIFY_TELEGRAM_TOKEN"
    chat_id_env: str = "OPSVERIFY_TELEGRAM_CHAT_ID"
    api_url: str = "https://api.telegram.org"


@dataclass(kw_only=True)
class WebhookNotify:
    """POST the digest as JSON to ``url``."""

    url: str
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may carry tokens (masked)


@dataclass(kw_only=True)
class NotifyConfig:
    when: Literal["change", "always", "failure"] = "change"  # change: new failures or fixes, or the verdict changed
    report_url: str = ""  # where readers find the report (a CI artifact URL); default: the local path
    timeout: Duration = Duration(5.0)
    telegram: TelegramNotify | None = None
    webhook: WebhookNotify | None = None

    def __post_init__(self) -> None:
        if self.telegram is None and self.webhook is None:
            raise ValueError(
                "nowhere to send: give `telegram: {}` (token and chat id from the environment) and/or "
                "`webhook: {url: ...}`"
            )
