"""`/deal room`: a Slack channel for a deal (bot.deals.rooms, docs/deal-rooms.md)."""

from __future__ import annotations

from bot.commands.spec import Answer, CommandSpec
from bot.commands.words import DealArgs, deal_only
from bot.core.context import Actor, Services
from bot.deals.rooms import ask_room
from flows.i18n import N_


async def _room(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await ask_room(services, actor, args.ref)


ROOM = CommandSpec(
    "room",
    "/deal room [deal]",
    N_("Make a channel for a deal, with its card pinned and its stage changes posted there"),
    deal_only(DealArgs),
    _room,
    ("/deal room acme", "/deal room #42"),
    details=N_(
        "The deal's owner, you and the user group of the team that owns its stage "
        "(/deal owners) are invited, and the deal is bound to the channel. Its stage "
        "changes and handoffs are posted there. "
        "A deal with a room already answers with a link to it. "
        "The owner, their manager or an admin may make one."
    ),
)
