"""Handoffs nobody accepted within their stage's `handoff_sla_hours` (docs/handoffs.md):
the team's channel is reminded once. A reminder is a nudge of kind `handoff` whose `since`
is the stay the handoff began (the deal's stage entry), claimed through the `nudge` table
like any nudge (bot.digests.claims), so N replicas remind once and a second scheduler run
finds it claimed. Sending it is bot/slack/handoff_posts.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.context import Services
from bot.deals.outcomes import HandoffNotice
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.settings import SchedulerSettings
from flows.i18n import _
from storage import digest_queries, handoff_queries
from storage.digest_models import Nudge
from storage.digest_queries import Threshold
from storage.handoff_queries import HANDOFF_NUDGE
from storage.models import Deal

MAX_PER_TICK = 50
NUDGE_KEY = ("deal_id", "kind", "since")


@dataclass(frozen=True, slots=True)
class Overdue:
    handoff_id: int
    deal: Deal
    stage: str
    entered_at: dt.datetime


async def overdue(services: Services, *, now: dt.datetime) -> list[Overdue]:
    """Handoffs past their SLA that have no reminder yet."""
    limits = await _thresholds(services, now=now)
    if not limits:
        return []
    async with services.db.read() as session:
        rows = await handoff_queries.past_sla(session, thresholds=limits, limit=MAX_PER_TICK)
    return [
        Overdue(handed.id, deal, handed.to_stage, handed.entered_at)
        for handed, deal in rows
        if handed.id is not None
    ]


async def _thresholds(services: Services, *, now: dt.datetime) -> list[Threshold]:
    async with services.db.read() as session:
        versions = await digest_queries.open_map_versions(session)
    found = []
    for map_id, version in versions:
        process_map = await services.catalog.get(services.db, map_id=map_id, version=version)
        for stage in process_map.stages:
            if stage.handoff_sla_hours:
                cutoff = now - dt.timedelta(hours=stage.handoff_sla_hours)
                found.append(Threshold(map_id, version, stage.id, cutoff))
    return found


async def claim_overdue(
    services: Services, settings: SchedulerSettings, late: Overdue
) -> Claim | None:
    values = {
        "team_id": late.deal.team_id,
        "deal_id": late.deal.id,
        "kind": HANDOFF_NUDGE,
        "stage": late.stage,
        "since": late.entered_at,
    }
    return await claims.claim_new(services, settings, Nudge, key=NUDGE_KEY, values=values)


async def still_waiting(services: Services, nudge: Nudge) -> int | None:
    """The handoff a (retried) reminder is about, while nobody has accepted it and the deal
    is still in that stay; None: reminding would be noise."""
    async with services.db.read() as session:
        handed = await handoff_queries.of_stay(
            session, deal_id=nudge.deal_id, entered_at=nudge.since
        )
        deal = await session.get(Deal, nudge.deal_id)
    if handed is None or deal is None or handed.accepted_by is not None:
        return None
    if deal.stage != handed.to_stage or deal.stage_entered_at != handed.entered_at:
        return None
    return handed.id


def reminder_text(notice: HandoffNotice, nudge: Nudge, *, now: dt.datetime) -> str:
    hours = int((now - nudge.since).total_seconds() // 3600)
    return _("Nobody has accepted {name} for {team} in {hours} h").format(
        name=notice.name, team=notice.team, hours=hours
    )
