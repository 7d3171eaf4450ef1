"""After a change, from any listener (a command, a click, a form): the DM to the owner of
a deal someone else changed (bot.deals.owner_notices decides who is told of what;
bot.slack.owner_notices batches and sends), and a stage change posted in the deal's room
(bot.slack.rooms), with the new team's user group invited there when it was a handoff,
after the acknowledgement. The owner reads their DM in their own language, a room its
workspace's (bot.slack.user_locales)."""

from __future__ import annotations

from bot.core.context import Actor
from bot.core.outcomes import Outcome
from bot.deals.outcomes import Moved
from bot.deals.owner_notices import OwnerNotice, owner_notices
from bot.slack.handoff_posts import hand_over_after
from bot.slack.rooms import invite_team, post_move
from bot.slack.runtime import Body, Runtime, after_ack
from bot.slack.user_locales import speaking


def tell_owners(runtime: Runtime, body: Body, actor: Actor, outcome: object) -> None:
    """The owner's DM, and the handoff to the team a move handed the deal to."""
    if not isinstance(outcome, Outcome):  # help, a form: nothing changed
        return
    hand_over_after(runtime, body, actor, outcome)
    for notice in owner_notices(outcome, actor):
        after_ack(runtime, body, _tell_owner(runtime, notice), name="tell the owner")
    if isinstance(outcome, Moved):
        after_ack(runtime, body, post_move(runtime, actor, outcome), name="post to the room")
    if isinstance(outcome, Moved) and outcome.handoff_id is not None:
        card = outcome.card
        work = invite_team(runtime, actor.team_id, card.deal_id, card.stage.owner)
        after_ack(runtime, body, work, name="invite the team to the room")


async def _tell_owner(runtime: Runtime, notice: OwnerNotice) -> None:
    """The owner's DM (a new one, or the burst's DM rewritten), in the owner's language."""
    async with speaking(runtime, notice.team_id, notice.owner_id):
        await runtime.owner_notices.tell(runtime.replies, notice)
