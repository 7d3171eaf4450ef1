"""`/deal feedback <text>`: anyone's feedback on the map, for its owners, with the deal it
was given from and the stage it is about when one can be told (docs/living-map.md).

The stage: one the text names (its name, a part of its name between slashes, or its id,
as whole words, compared folded; the first one named wins), else the stage the author's
deal is in, while it is open (the `#deal` written first, the channel's deal, else their
last). Feedback that names no stage and comes from no open deal is about the map as a whole.
"""

from __future__ import annotations

import re

from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Invalid, Outcome
from bot.core.refs import CURRENT, CurrentDeal, DealRef
from bot.core.values import BadValue, clean_reason
from bot.core.workspace_settings import workspace_map
from bot.deals.feedback import FeedbackEntry, FeedbackGiven, FeedbackLine
from bot.deals.lookup import find_deal
from flows.i18n import _
from flows.schema import ProcessMap, Stage
from storage import feedback_queries
from storage.feedback_models import MapFeedback, StageSource
from storage.models import Deal, DealStatus
from storage.name_keys import fold


async def record_feedback(
    services: Services, actor: Actor, text: str | None, *, ref: DealRef = CURRENT
) -> Outcome:
    cleaned = clean_reason(text, what=_("feedback"))
    if isinstance(cleaned, BadValue):
        return Invalid(
            cleaned.message, _("e.g. /deal feedback the demo stage needs a security review item")
        )
    found = await find_deal(services, actor, ref)
    if isinstance(found, Failure) and not isinstance(ref, CurrentDeal):
        return found  # a deal named that is not there: say so rather than drop it
    deal = None if isinstance(found, Failure) else found  # none: on the current map
    process_map = await _map_of(services, deal, team_id=actor.team_id)
    stage, source = told_stage(process_map, cleaned, deal)
    row = MapFeedback(
        team_id=actor.team_id,
        number=0,  # the next one of the workspace, given by feedback_queries.add
        map_id=process_map.id,
        map_version=process_map.version,
        author_id=actor.user_id,
        given_at=services.clock(),
        text=cleaned,
        deal_id=deal.id if deal else None,
        stage_id=stage.id if stage else None,
        stage_source=source,
    )
    async with services.db.write() as session:
        await feedback_queries.add(session, row)
    entry = FeedbackEntry.of(row)
    line = FeedbackLine(
        entry, process_map.title, stage.name if stage else None, deal.name if deal else None
    )
    return FeedbackGiven(line)


async def _map_of(services: Services, deal: Deal | None, *, team_id: str) -> ProcessMap:
    """The deal's own map version: the one the author is looking at (no deal: the map the
    workspace's new deals follow)."""
    if deal is None:
        return await workspace_map(services, team_id)
    return await services.catalog.get(services.db, map_id=deal.map_id, version=deal.map_version)


def told_stage(
    process_map: ProcessMap, text: str, deal: Deal | None
) -> tuple[Stage | None, StageSource | None]:
    named = stage_named_in(process_map, text)
    if named is not None:
        return named, StageSource.NAMED
    # an open deal's: a closed one's stage (lost, won…) is where it ended, not what the
    # author is working on; their last deal may have closed long ago
    if deal is not None and deal.status == DealStatus.OPEN and process_map.has_stage(deal.stage):
        return process_map.stage(deal.stage), StageSource.DEAL
    return None, None


def stage_named_in(process_map: ProcessMap, text: str) -> Stage | None:
    """The stage the text names first; at the same place, the longer name wins ("closed
    won" over a stage called "closed")."""
    folded = fold(text)
    found: list[tuple[int, int, Stage]] = []
    for stage in process_map.stages:
        for phrase in _names_of(stage):
            match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded)
            if match:
                found.append((match.start(), -len(phrase), stage))
    return min(found, key=lambda hit: hit[:2])[2] if found else None


def _names_of(stage: Stage) -> set[str]:
    parts = [stage.name, *stage.name.split("/"), stage.id, stage.id.replace("_", " ")]
    return {fold(part) for part in parts if fold(part).strip()}
