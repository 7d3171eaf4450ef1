"""Moving deals through the use cases for the webhook tests: each move named by the stage
event it makes, so a test states the events it expects and the moves that make them."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.refs import DealNumber
from bot.deals import moving, reopening
from bot.deals.outcomes import Moved, Shown
from bot.deals.showing import show_deal
from tests.support.deals import ADMIN, expect, make_ready, new_deal


async def move(services: Services, actor: Actor, deal_id: int, step: str) -> str:
    """Make `step` happen to the deal; the event type a receiver should get for it."""
    ref = DealNumber(deal_id)
    if step in ("advanced", "won"):
        shown = expect(await show_deal(services, actor, ref), Shown)
        await make_ready(services, actor, shown.card)
        expect(await moving.advance(services, actor, ref), Moved)
    elif step == "overridden":
        expect(await moving.override(services, ADMIN, ref, reason="CFO agreed on the call"), Moved)
        step = "advanced"
    elif step == "lost":
        expect(await moving.lose(services, actor, ref, reason="Timing"), Moved)
    elif step == "reopened":
        expect(await reopening.reopen(services, actor, ref, stage=None), Moved)
    else:
        raise ValueError(step)
    return f"deal.{step}"


async def walk(
    services: Services, actor: Actor, name: str, steps: list[str]
) -> tuple[int, list[str]]:
    """A new deal of `actor`'s, moved through `steps`; its id and the events expected."""
    card = await new_deal(services, actor, name, "5000")
    return card.deal_id, [await move(services, actor, card.deal_id, step) for step in steps]
