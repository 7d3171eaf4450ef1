"""Manager-validated items (`validate: manager` in the map, docs/maps.md): a rep's tick and
its evidence wait for the owner's manager (an admin when the owner has none) to Validate
or Send back; the gate counts the item once validated. A validator's own tick is
validated as it is written.

Validate and Send back act on the tick the validator was shown: a mark of its evidence
travels with the button, and a tick whose value changed since is refused ("no longer
waiting as shown").
"""

from __future__ import annotations

import hashlib

from bot.core.access import may_override
from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Invalid, Outcome
from bot.core.refs import DealRef
from bot.core.values import BadValue, clean_reason
from bot.deals.outcomes import SentBack, Shown, Validated
from bot.deals.ticking import resolve_items
from bot.deals.writes import Change, change_deal
from flows.i18n import _
from flows.schema import Stage
from storage.models import EventKind, ExitTick


def evidence_mark(value: str | None) -> str:
    """A short fingerprint of a tick's evidence, for a button to carry."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:12]


async def validate(
    services: Services, actor: Actor, ref: DealRef, item: str, *, seen: str | None = None
) -> Outcome:
    """Confirm the tick of `item` (a number or an id); `seen`: the mark of the evidence the
    validator was shown (a button's, evidence_mark), None when typed (`/deal validate 3`)."""

    async def apply(change: Change) -> Outcome:
        found = _awaiting_tick(change, item, seen)
        if isinstance(found, Failure):
            return found
        stage, tick = found
        now = change.services.clock()
        await change.held.validate_tick(stage.id, tick.item_id, by=change.actor.user_id, at=now)
        tick.validated_by, tick.validated_at = change.actor.user_id, now
        change.event(EventKind.VALIDATED, from_stage=stage.id, item_id=tick.item_id)
        await change.save()
        return Validated(card=await change.card(), item_id=tick.item_id)

    return await change_deal(services, actor, ref, apply, permission=may_override)


async def to_answer(
    services: Services, actor: Actor, ref: DealRef, item: str, *, seen: str | None
) -> Outcome:
    """The card a send-back form is built on, or why it would be refused (the actor may
    not validate, or the item no longer waits as shown): asked at the click, before the
    form opens. Writes nothing."""

    async def apply(change: Change) -> Outcome:
        found = _awaiting_tick(change, item, seen)
        if isinstance(found, Failure):
            return found
        return Shown(card=await change.card())

    return await change_deal(services, actor, ref, apply, permission=may_override)


async def send_back(
    services: Services,
    actor: Actor,
    ref: DealRef,
    item: str,
    *,
    reason: str | None,
    seen: str | None = None,
) -> Outcome:
    """Refuse the tick of `item`: it is unticked, and the owner is told why."""
    why = clean_reason(reason, what=_("note on what is missing"))
    if isinstance(why, BadValue):
        return Invalid(why.message, why.hint, field="reason")

    async def apply(change: Change) -> Outcome:
        found = _awaiting_tick(change, item, seen)
        if isinstance(found, Failure):
            return found
        stage, tick = found
        await change.held.remove_ticks(stage.id, [tick.item_id])
        change.ticks = [t for t in change.ticks if t.item_id != tick.item_id]
        change.event(EventKind.SENT_BACK, from_stage=stage.id, item_id=tick.item_id, value=why)
        await change.save()
        card = await change.card()
        return SentBack(card=card, item_id=tick.item_id, reason=why, owner_id=card.owner_id)

    return await change_deal(services, actor, ref, apply, permission=may_override)


def _awaiting_tick(change: Change, item: str, seen: str | None) -> tuple[Stage, ExitTick] | Failure:
    stage = change.flow.stage(change.deal.stage)
    ids = resolve_items(stage, [item])
    if isinstance(ids, Failure):
        return ids
    exit_item = stage.item(ids[0])
    tick = next((t for t in change.ticks if t.item_id == ids[0]), None)
    if exit_item is None or exit_item.validate_by is None:
        return Invalid(
            _("'{item}' of {stage} needs no validation").format(
                item=exit_item.text if exit_item else item, stage=stage.name
            ),
            _("only items the map marks `validate: manager` wait for a manager"),
        )
    if (
        tick is None
        or tick.validated_by is not None
        or (seen is not None and seen != evidence_mark(tick.evidence))
    ):
        return Invalid(
            _("“{item}” is no longer waiting for validation as shown").format(item=exit_item.text),
            _("it was unticked, changed or answered since: run /deal show for the card"),
        )
    return stage, tick
