"""Stuck-deal nudges: a DM to the owner when a deal crosses its stage's target_days (stuck)
or rot_days (idle), once per crossing.

A crossing is (deal, kind, since): `since` is the stage entry for stuck, the last activity
for idle. Claiming inserts that key into `nudge`; whoever inserts it sends the DM.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.core.context import Services
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.settings import SchedulerSettings
from flows.schema import Stage
from storage import digest_queries
from storage.digest_models import Nudge
from storage.digest_queries import Threshold
from storage.models import Deal, DealStatus

log = logging.getLogger(__name__)
NUDGE_KEY = ("deal_id", "kind", "since")
KINDS = ("stuck", "idle")
MAX_PER_TICK = 50  # a first start on an old database nudges gradually, not all at once


@dataclass(frozen=True, slots=True)
class Crossing:
    deal: Deal
    kind: str

    @property
    def since(self) -> dt.datetime:
        return mark_of(self.deal, self.kind)


def mark_of(deal: Deal, kind: str) -> dt.datetime:
    return deal.stage_entered_at if kind == "stuck" else deal.last_activity_at


async def thresholds(services: Services, *, kind: str, now: dt.datetime) -> list[Threshold]:
    """Per map version and stage, the mark before which a deal has crossed; the same
    arithmetic as the card's flags (stuck: more whole days than target; idle: at least rot)."""
    async with services.db.read() as session:
        versions = await digest_queries.open_map_versions(session)
    found = []
    for map_id, version in versions:
        process_map = await services.catalog.get(services.db, map_id=map_id, version=version)
        for stage in process_map.stages:
            days = _crossing_days(stage, kind)
            if days:
                found.append(Threshold(map_id, version, stage.id, now - dt.timedelta(days=days)))
    return found


def _crossing_days(stage: Stage, kind: str) -> int | None:
    if kind == "stuck":
        return stage.target_days + 1 if stage.target_days else None
    return stage.rot_days


async def new_crossings(services: Services, *, now: dt.datetime) -> list[Crossing]:
    found: list[Crossing] = []
    for kind in KINDS:
        limits = await thresholds(services, kind=kind, now=now)
        if not limits:
            continue
        async with services.db.read() as session:
            deals = await digest_queries.crossed(
                session, kind=kind, thresholds=limits, limit=MAX_PER_TICK
            )
        found += [Crossing(deal, kind) for deal in deals]
    return _one_per_owner(found)[:MAX_PER_TICK]


def _one_per_owner(crossings: list[Crossing]) -> list[Crossing]:
    """A second DM to one owner would wait a second (pacing) and hold up the whole tick;
    their next crossing goes out on the next tick instead."""
    owners: set[tuple[str, str]] = set()
    kept = []
    for crossing in crossings:
        owner = (crossing.deal.team_id, crossing.deal.owner_id)
        if owner not in owners:
            owners.add(owner)
            kept.append(crossing)
    return kept


async def claim_crossing(
    services: Services, settings: SchedulerSettings, crossing: Crossing
) -> Claim | None:
    deal = crossing.deal
    values = {
        "team_id": deal.team_id,
        "deal_id": deal.id,
        "kind": crossing.kind,
        "stage": deal.stage,
        "since": crossing.since,
    }
    return await claims.claim_new(services, settings, Nudge, key=NUDGE_KEY, values=values)


async def retry_claims(services: Services, settings: SchedulerSettings) -> list[Claim]:
    """Take over nudges a dead replica left claimed, or Slack refused, once their wait is over."""
    async with services.db.read() as session:
        waiting = await digest_queries.retryable_nudges(session, now=services.clock())
    taken = []
    for nudge in waiting:
        assert nudge.id is not None
        claim = await claims.take_over(
            services, settings, Nudge, row_id=nudge.id, attempts=nudge.attempts
        )
        if claim is not None:
            taken.append(claim)
    return taken


def still_crossed(nudge: Nudge, deal: Deal) -> bool:
    """A retried nudge about a deal that has moved on since would be noise."""
    return deal.status == DealStatus.OPEN and mark_of(deal, nudge.kind) == nudge.since
