"""Objections heard on a deal, and the objection playbook. (Feedback on the map:
bot.deals.feedback_giving.)"""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Invalid, Outcome
from bot.core.refs import CURRENT, CurrentDeal, DealRef
from bot.core.values import BadValue, clean_reason
from bot.core.workspace_settings import workspace_map
from bot.deals.lookup import find_deal
from bot.deals.outcomes import ObjectionNoted, Playbook
from flows import playbook
from flows.i18n import _
from storage.models import DealEvent, EventKind


async def show_playbook(
    services: Services, actor: Actor, words: str | None, *, ref: DealRef = CURRENT
) -> Outcome:
    """With words: the best-matching objections, the deal's stage and its neighbours
    first (any stage's when there is no deal). Without: the deal's stage."""
    if words and words.strip():
        return await _search_playbook(services, actor, words.strip(), ref)
    deal = await find_deal(services, actor, ref)
    if isinstance(deal, Failure):
        return Invalid(deal.message, _("or search the playbook: /deal playbook too expensive"))
    process_map = await services.catalog.get(
        services.db, map_id=deal.map_id, version=deal.map_version
    )
    stage = process_map.stage(deal.stage)
    return Playbook(
        entries=[(stage, entry) for entry in stage.playbook],
        stage=stage,
        query=None,
        deal_name=deal.name,
    )


async def _search_playbook(services: Services, actor: Actor, words: str, ref: DealRef) -> Outcome:
    deal = await find_deal(services, actor, ref)
    if isinstance(deal, Failure) and not isinstance(ref, CurrentDeal):
        return deal  # a deal named that is not there: say so rather than search without it
    if isinstance(deal, Failure):  # no deal at all: the whole current map, no stage first
        process_map, near, deal_name = await workspace_map(services, actor.team_id), None, None
    else:
        process_map = await services.catalog.get(
            services.db, map_id=deal.map_id, version=deal.map_version
        )
        near, deal_name = deal.stage, deal.name
    matches = playbook.search(process_map, words, near=near)
    if not matches:
        return Invalid(
            _("no objection in the playbook matches '{words}'").format(words=words),
            _(
                "search with a word the buyer used, e.g. /deal playbook price (or budget, "
                "timing, competitor); /deal playbook alone lists this stage's objections"
            ),
        )
    return Playbook(entries=matches, stage=None, query=words, deal_name=deal_name, deal_stage=near)


async def record_objection(
    services: Services, actor: Actor, text: str | None, *, ref: DealRef = CURRENT
) -> Outcome:
    """Anyone may note what a buyer objected to; it feeds digests and the map's feedback."""
    cleaned = clean_reason(text, what=_("objection"))
    if isinstance(cleaned, BadValue):
        return Invalid(cleaned.message, _("e.g. /deal objection they think we're too expensive"))
    deal = await find_deal(services, actor, ref)
    if isinstance(deal, Failure):
        return deal
    deal_map = await services.catalog.get(services.db, map_id=deal.map_id, version=deal.map_version)
    # the deal's own map version, its stage's answers first
    matches = playbook.search(deal_map, cleaned, limit=1, near=deal.stage)
    async with services.db.write() as session:  # an event only: the deal does not change
        session.add(
            DealEvent(
                team_id=actor.team_id,
                deal_id=deal.id,
                map_id=deal.map_id,
                kind=EventKind.OBJECTION,
                actor_id=actor.user_id,
                at=services.clock(),
                from_stage=deal.stage,
                reason=cleaned,
                value=matches[0][1].id if matches else None,
            )
        )
    services.touch(actor, deal.id)  # once committed
    return ObjectionNoted(deal_name=deal.name, text=cleaned, matches=matches)
