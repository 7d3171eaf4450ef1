"""Moving through the tour: Back and Next carry the step they lead to, so a click on an
old tour message still lands where its button says; the position is saved each time."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.core.workspace_settings import workspace_map
from bot.onboarding.outcomes import TourShown
from bot.onboarding.progress import locked_progress, overview, touch
from bot.onboarding.tour import clamp_step, tour_length, tour_step
from flows.i18n import _


async def go_to_step(services: Services, actor: Actor, *, step: int) -> Outcome:
    """Show step `step` (0-based); one past the last step finishes the tour."""
    process_map = await workspace_map(services, actor.team_id)
    async with services.db.write() as session:
        row, _created = await locked_progress(session, services, actor)
        finished = step >= tour_length(process_map)
        row.tour_step = clamp_step(process_map, step)
        if finished and row.tour_done_at is None:
            row.tour_done_at = services.clock()
        touch(services, row)
        if finished:
            notice = _(
                "You finished the tour of {map}. Next: the quiz, with questions made from the "
                "map you have just seen."
            ).format(map=process_map.title)
            return await overview(session, services, row, notice=notice)
    return TourShown(step=tour_step(process_map, step))
