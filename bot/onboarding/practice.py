"""The practice deal: a sandbox deal (Deal.is_practice) the new rep walks from the first
stage to won with the real stage card and the real gates. It goes through the ordinary
deal use cases; only its creation and "done" are onboarding's business. Lists, App Home,
KPIs and digests leave practice deals out."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import DealCard, Outcome
from bot.core.refs import DealNumber
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created, Shown
from bot.deals.showing import show_deal
from bot.onboarding.progress import locked_progress, touch
from flows.i18n import _
from storage.models import DealStatus


async def open_practice(services: Services, actor: Actor) -> Outcome:
    """The person's practice deal, created on first use."""
    async with services.db.write() as session:
        row, _created = await locked_progress(session, services, actor)
        existing = row.practice_deal_id
    if existing is not None:
        shown = await show_deal(services, actor, DealNumber(existing))
        if isinstance(shown, Shown):
            return Shown(card=shown.card, notice=practice_notice(shown.card, new=False))
    created = await create_deal(
        services,
        actor,
        name=_("Practice deal"),
        amount="25k",
        company=_("Example Buyer Inc."),
        is_practice=True,
    )
    if not isinstance(created, Created):
        return created
    return await _keep(services, actor, created.card, replaced=existing)


async def _keep(
    services: Services, actor: Actor, card: DealCard, *, replaced: int | None
) -> Outcome:
    """Remember the new deal, unless a second click created one first: then that one is
    the practice deal (the spare stays a practice deal, out of every list)."""
    async with services.db.write() as session:
        row, _created = await locked_progress(session, services, actor)
        if row.practice_deal_id in (None, replaced):
            row.practice_deal_id = card.deal_id
            touch(services, row)
        kept = row.practice_deal_id
    if kept != card.deal_id:
        return await show_deal(services, actor, DealNumber(kept))
    return Shown(card=card, notice=practice_notice(card, new=True))


def practice_notice(card: DealCard, *, new: bool) -> str:
    names = {
        "first": card.process_map.first_stage.name,
        "won": card.process_map.won_stage.name,
        "stage": card.stage.name,
        "id": card.deal_id,
    }
    if card.status is DealStatus.WON:
        return _("Your practice deal reached {won}: practice done.").format(**names)
    if new:
        return _(
            "This is your practice deal, a sandbox: it never shows in pipelines, KPIs or "
            "digests. Walk it from {first} to {won} as you would a real deal: tick the exit "
            "items on this card (or /deal tick #{id} 1 2 …) and press Advance; the gates are "
            "the real ones."
        ).format(**names)
    return _(
        "Your practice deal is in {stage}. Walk it on to {won}: tick the exit items and press Advance."
    ).format(**names)
