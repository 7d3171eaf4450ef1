"""The process map as a picture, with the user's open deals counted on it."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.deals.outcomes import MapPicture
from storage import deal_queries


async def map_picture(services: Services, actor: Actor) -> Outcome:
    """The current map, with the user's open deals counted per stage."""
    process_map = services.catalog.current
    async with services.db.read() as session:
        mine = await deal_queries.list_deals(
            session, team_id=actor.team_id, owner_ids=[actor.user_id], limit=1000
        )
    counts: dict[str, int] = {}
    for deal in mine:
        if deal.map_id == process_map.id and process_map.has_stage(deal.stage):
            counts[deal.stage] = counts.get(deal.stage, 0) + 1
    return MapPicture(process_map=process_map, counts=counts)
