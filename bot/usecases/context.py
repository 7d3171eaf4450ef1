"""Who is acting, where, and the services every use case needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.catalog import MapCatalog
from storage.database import Database
from storage.models import utcnow


@dataclass(frozen=True, slots=True)
class Actor:
    """A Slack user acting in a workspace, optionally from a channel (for bound deals)."""

    team_id: str
    user_id: str
    channel_id: str | None = None


@dataclass(slots=True)
class Services:
    db: Database
    catalog: MapCatalog
    admins: frozenset[str] = frozenset()  # STAGECOACH_ADMINS: admins in every workspace
    clock: Callable[[], dt.datetime] = field(default=utcnow)
