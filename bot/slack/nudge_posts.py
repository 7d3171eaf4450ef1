"""Sending a claimed nudge: a DM to the deal's owner, in their language, with its card and
open items.

Which deals crossed a threshold, and who claims each crossing, is bot.digests.nudges.
"""

from __future__ import annotations

from bot.deals.lookup import build_deal_card
from bot.digests.claims import Claim
from bot.digests.nudges import still_crossed
from bot.slack.handoff_posts import deliver_handoff_nudge
from bot.slack.posting import Delivery, Poster
from bot.slack.user_locales import speaking
from bot.views.nudge import nudge_message
from storage.digest_models import Nudge
from storage.handoff_queries import HANDOFF_NUDGE


async def deliver_nudge(poster: Poster, claim: Claim) -> Delivery:
    """DM the owner the deal's card with its open items: POSTED when sent."""
    services = poster.services
    async with services.db.read() as session:
        nudge = await session.get(Nudge, claim.row_id)
    if nudge is not None and nudge.kind == HANDOFF_NUDGE:  # to the team's channel instead
        return await deliver_handoff_nudge(poster, claim, nudge)
    found = await services.deals.for_card(nudge.team_id, nudge.deal_id) if nudge else None
    deal = found.deal if found else None
    if nudge is None or found is None or deal is None or not still_crossed(nudge, deal):
        return await poster.drop(claim)
    async with speaking(poster, nudge.team_id, deal.owner_id):  # the owner's language
        card = await build_deal_card(services, found.deal, found.ticks)
        # Posting to a user id lands in the app's DM with them (chat:write; no im:write).
        message = nudge_message(card, kind=nudge.kind)
    return await poster.post_message(claim, channel=deal.owner_id, message=message, what="nudge")
