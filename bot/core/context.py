"""Who is acting, where, and the services every use case needs."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.catalog import MapCatalog
from bot.core.reporting_currency import ReportingCurrency
from bot.core.settings import DEFAULT_REPORT_QUERIES
from storage.database import Database
from storage.deal_store import DealStore, UserKey
from storage.models import utcnow

log = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Actor:
    """A Slack user acting in a workspace, optionally from a channel (for bound deals)."""

    team_id: str
    user_id: str
    channel_id: str | None = None

    @property
    def key(self) -> UserKey:
        return (self.team_id, self.user_id)


@dataclass(slots=True)
class Services:
    db: Database
    catalog: MapCatalog
    admins: frozenset[str] = frozenset()  # STAGECOACH_ADMINS: admins in every workspace
    clock: Callable[[], dt.datetime] = field(default=utcnow)
    # STAGECOACH_REPORT_QUERIES: how many of a report's queries run at once
    report_queries: int = DEFAULT_REPORT_QUERIES
    # STAGECOACH_REPORTING_CURRENCY and STAGECOACH_FX_RATES (None: money per currency only)
    reporting_currency: ReportingCurrency | None = None
    # STAGECOACH_WEBHOOK_ALLOW_PRIVATE: webhooks may go to this machine and private networks
    webhook_allow_private: bool = False
    deals: DealStore = field(init=False)  # the one way to read and write deals
    # team id → (when read, its settings row): bot.core.workspace_settings
    workspace_cache: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.deals = DealStore(self.db)

    def touch(self, actor: Actor, deal_id: int | None) -> None:
        """Make `deal_id` the actor's default deal (written behind: storage.last_deals)."""
        self.deals.remember(actor.key, deal_id)

    async def close(self, *, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Store what is still held in memory, then close the database's connections.
        Bounded: with the database away a stop must not outlast the process manager's
        grace period (the pointers held are then lost: a convenience, never a change)."""
        try:
            async with asyncio.timeout(timeout_s):
                await self.deals.close()
        except TimeoutError:
            log.warning("stopped without storing every user's default deal")
        await self.db.dispose()
