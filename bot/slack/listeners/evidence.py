"""Asking for the evidence of items someone just ticked: the form opens at once, on the
trigger of the click or the command (Slack honours a trigger_id for 3 seconds)."""

from __future__ import annotations

from bot.deals.outcomes import Ticked
from bot.slack.runtime import Body, Runtime
from bot.views.ids import ModalMeta, ReplyTarget
from bot.views.modals import evidence_modal


async def ask_evidence(runtime: Runtime, body: Body, ticked: Ticked, *, reply: ReplyTarget) -> None:
    """Open the form for the items that wait for a value; its answer replaces the card at
    `reply`."""
    card = ticked.card
    meta = ModalMeta(deal_id=card.deal_id, stage=card.stage.id, move="evidence", reply=reply)
    view = evidence_modal(card, private_metadata=meta.dumps(), items=ticked.waiting)
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)
