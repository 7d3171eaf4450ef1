"""What `/deal webhook add | list | remove` answer, as plain data (bot.views.webhooks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.outcomes import Outcome


@dataclass(frozen=True, slots=True)
class EndpointLine:
    endpoint_id: int
    url: str
    events: tuple[str, ...]
    created_by: str
    waiting: int = 0  # events not delivered yet
    dead: int = 0  # dead letters (stagecoach webhooks failed)
    last_status: str | None = None  # delivered | dead; None: nothing finished yet
    last_at: dt.datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookAdded(Outcome):
    """A new endpoint, and its signing secret: shown this once, never again."""

    endpoint: EndpointLine
    secret: str


@dataclass(frozen=True, slots=True)
class WebhookList(Outcome):
    endpoints: list[EndpointLine]


@dataclass(frozen=True, slots=True)
class WebhookRemoved(Outcome):
    endpoint: EndpointLine
