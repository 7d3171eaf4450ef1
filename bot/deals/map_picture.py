"""The process map as a picture, with the user's open deals counted on it."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.core.workspace_settings import workspace_map
from bot.deals.outcomes import MapPicture
from storage import deal_queries
from storage.deal_queries import DealFilter


async def map_picture(services: Services, actor: Actor) -> Outcome:
    """The workspace's map, with the user's open deals counted per stage."""
    process_map = await workspace_map(services, actor.team_id)
    async with services.db.read() as session:
        mine = await deal_queries.count_by_stage(
            session, DealFilter(team_id=actor.team_id, owner_ids=(actor.user_id,))
        )
    counts = {
        stage: count
        for (map_id, stage), count in mine.items()
        if map_id == process_map.id and process_map.has_stage(stage)
    }
    return MapPicture(process_map=process_map, counts=counts)
