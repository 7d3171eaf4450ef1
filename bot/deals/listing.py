"""Listing open deals: one's own, one's team's, the workspace's, or one stage's."""

from __future__ import annotations

from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, Outcome
from bot.core.teams import team_around
from bot.deals.lookup import rows_for
from bot.deals.outcomes import DealList
from flows.i18n import _
from flows.schema import ProcessMap
from storage import deal_queries
from storage.deal_queries import DealFilter

ListScope = Literal["mine", "team", "all"]
# The rows a list reads: as many as its message shows (bot.views.deal_list); the rest are
# counted, not read, and each row read costs a card's worth of work.
PAGE_ROWS = 20


async def list_deals(
    services: Services, actor: Actor, *, scope: ListScope = "mine", stage: str | None = None
) -> Outcome:
    async with services.db.read() as session:
        owners, title = await _scope_owners(session, services, actor, scope)
        stage_id = None
        if stage is not None:
            found = _stage_id(services.catalog.current, stage)
            if isinstance(found, Invalid):
                return found
            stage_id, title = (
                found,
                _("Deals in {stage}").format(stage=services.catalog.current.stage(found).name),
            )
        matching = DealFilter(team_id=actor.team_id, owner_ids=owners, stage=stage_id)
        page = await deal_queries.deal_page(session, matching, limit=PAGE_ROWS)
        rows = await rows_for(session, services, page.deals)
    return DealList(title=title, rows=rows, total=page.total)


async def _scope_owners(
    session: AsyncSession, services: Services, actor: Actor, scope: ListScope
) -> tuple[tuple[str, ...] | None, str]:
    if scope == "mine":
        return (actor.user_id,), _("Your open deals")
    if scope == "team":
        owners = await team_around(session, team_id=actor.team_id, user_id=actor.user_id)
        if owners is not None:
            return tuple(owners), _("Your team's open deals")
    return None, _("Open deals in this workspace")


def _stage_id(process_map: ProcessMap, text: str) -> str | Invalid:
    key = text.strip().lower()
    for stage in process_map.stages:
        if key in (stage.id, stage.name.lower()) or (
            len(key) >= 3 and stage.name.lower().startswith(key)
        ):
            return stage.id
    return Invalid(
        _("'{stage}' is not a stage of the {map} map").format(stage=text, map=process_map.title),
        _("stages: ") + ", ".join(stage.id for stage in process_map.stages),
    )
