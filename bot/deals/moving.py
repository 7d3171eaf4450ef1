"""Moving a deal between stages: advance (gated by the exit criteria), a manager's
override, the branches (lose, disqualify, nurture); reopening is bot.deals.reopening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bot.core.access import may_change, may_override
from bot.core.context import Actor, Services
from bot.core.dates import WrittenDate
from bot.core.deal_status import status_for
from bot.core.outcomes import Blocked, Invalid, Outcome
from bot.core.refs import DealRef
from bot.core.values import (
    BadValue,
    ChosenReason,
    clean_reason,
    match_lost_reason,
)
from bot.deals.approval_notes import notes_in
from bot.deals.cards import build_card
from bot.deals.handoffs import enter_with_handoff
from bot.deals.outcomes import Moved
from bot.deals.reengage import reengage_date
from bot.deals.writes import Change, Permission, change_deal
from flows.i18n import N_, _, ngettext
from flows.machine import DealState, Move, Transition
from storage.models import EventKind


async def advance(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    """Move to the next stage only if every required exit item is ticked."""
    return await change_deal(services, actor, ref, _advance)


async def _advance(change: Change) -> Outcome:
    transition = _transition(change, Move.ADVANCE)
    if isinstance(transition, Invalid):
        return transition
    if not change.flow.fire(transition, _state(change)):
        stage = change.flow.stage(change.deal.stage)  # what waits for approval is said too
        notes = await notes_in(change.held.session, change.deal, stage)
        card = build_card(  # from the ticks read with the deal: they are the card's
            deal=change.deal,
            ticks=change.ticks,
            flow=change.flow,
            now=change.services.clock(),
            approvals=notes,
        )
        return Blocked(
            ngettext(
                "{name} cannot leave {stage} yet: {count} required item is open",
                "{name} cannot leave {stage} yet: {count} required items are open",
                len(card.missing),
            ).format(name=change.deal.name, stage=card.stage.name, count=len(card.missing)),
            _("tick them on the card or with /deal tick <numbers>, then advance again"),
            card=card,
            missing=card.missing,
        )
    return await enter_stage(change, transition, EventKind.ADVANCED, reason=None)


async def override(
    services: Services, actor: Actor, ref: DealRef, *, reason: str | None
) -> Outcome:
    """A manager advances despite open items; the reason and the skipped items are kept."""
    what = _("reason for the override")
    return await _with_reason(services, actor, ref, reason, what, _override, may_override)


async def _override(change: Change, reason: str) -> Outcome:
    transition = _transition(change, Move.OVERRIDE)
    if isinstance(transition, Invalid):
        return transition
    state = _state(change)
    skipped = change.flow.missing_items(state.state, state.ticked, state.evidence, state.validated)
    if not skipped:
        return Invalid(
            _("nothing to override: every required item of this stage is done"),
            _("use /deal advance"),
        )
    change.flow.fire(transition, state)
    return await enter_stage(
        change, transition, EventKind.OVERRIDDEN, reason=reason, skipped=skipped
    )


async def lose(
    services: Services, actor: Actor, ref: DealRef, *, reason: str | None, note: str | None = None
) -> Outcome:
    """Lost, for one of the map's lost reasons. What the rep adds is kept after it
    ("Price too high: 20% over budget"): the words after the reason in a command, and a
    note given apart (the Lose form's own field)."""

    async def apply(change: Change) -> Outcome:
        # Whether the deal may be lost here at all comes first: a better reason for a move
        # that cannot happen would only earn a second refusal.
        cannot = _transition(change, Move.LOSE)
        if isinstance(cannot, Invalid):
            return cannot
        chosen = match_lost_reason(reason, change.flow.map.lost_reasons)
        if isinstance(chosen, BadValue):
            return Invalid(chosen.message, chosen.hint, field="reason")
        text = _lost_text(chosen, note)
        if isinstance(text, Invalid):
            return text
        return await _branch(change, Move.LOSE, reason=text, value=chosen.reason)

    return await change_deal(services, actor, ref, apply)


def _lost_text(chosen: ChosenReason, note: str | None) -> str | Invalid:
    """What the event records: the reason, then what the rep added after it, if anything
    (a form's note is trimmed as the words after a reason are: bot.core.values)."""
    added = [chosen.note] if chosen.note else []
    if note and note.strip():
        checked = _checked_reason(note, what=_("note"), field="note")
        if isinstance(checked, Invalid):
            return checked
        if trimmed := checked.strip(" -:—"):
            added.append(trimmed)
    return f"{chosen.reason}: {' - '.join(added)}" if added else chosen.reason


async def disqualify(
    services: Services, actor: Actor, ref: DealRef, *, reason: str | None
) -> Outcome:
    what = _("reason for disqualifying")
    return await _with_reason(services, actor, ref, reason, what, _disqualify, may_change)


async def _disqualify(change: Change, reason: str) -> Outcome:
    return await _branch(change, Move.DISQUALIFY, reason=reason)


async def _with_reason(
    services: Services,
    actor: Actor,
    ref: DealRef,
    reason: str | None,
    what: str,
    apply: Callable[[Change, str], Awaitable[Outcome]],
    permission: Permission,
) -> Outcome:
    """A move that needs a reason: the reason is checked first, before any read or lock."""
    cleaned = _checked_reason(reason, what=what)
    if isinstance(cleaned, Invalid):
        return cleaned

    async def apply_with_reason(change: Change) -> Outcome:
        return await apply(change, cleaned)

    return await change_deal(services, actor, ref, apply_with_reason, permission=permission)


def _checked_reason(text: str | None, *, what: str, field: str = "reason") -> str | Invalid:
    cleaned = clean_reason(text, what=what)
    if isinstance(cleaned, BadValue):
        return Invalid(cleaned.message, cleaned.hint, field=field)
    return cleaned


async def nurture(
    services: Services, actor: Actor, ref: DealRef, *, until: WrittenDate | None
) -> Outcome:
    """`until` as the rep wrote it (`next friday`), resolved here on today's date."""
    date = reengage_date(until, today=services.clock().date())
    if isinstance(date, Invalid):
        return date

    async def apply(change: Change) -> Outcome:
        return await _branch(change, Move.NURTURE, reason=None, value=date.isoformat(), until=date)

    return await change_deal(services, actor, ref, apply)


async def _branch(
    change: Change,
    move: Move,
    *,
    reason: str | None,
    value: str | None = None,
    until: dt.date | None = None,
) -> Outcome:
    transition = _transition(change, move)
    if isinstance(transition, Invalid):
        return transition
    change.flow.fire(transition, DealState(change.deal.stage))
    return await enter_stage(
        change, transition, EventKind.BRANCHED, reason=reason, value=value, until=until
    )


# Why a move is refused, one whole sentence per move: a verb phrase glued into "a deal in
# {stage} cannot …" reads wrong in Turkish, which puts the verb last and inflects it.
_CANNOT = {
    Move.ADVANCE: N_("a deal in {stage} cannot advance"),
    Move.OVERRIDE: N_("a deal in {stage} cannot advance by override"),
    Move.LOSE: N_("a deal in {stage} cannot be marked lost"),
    Move.DISQUALIFY: N_("a deal in {stage} cannot be disqualified"),
    Move.NURTURE: N_("a deal in {stage} cannot go to nurture"),
    Move.REOPEN: N_("a deal in {stage} cannot be reopened"),
}


def _transition(change: Change, move: Move) -> Transition | Invalid:
    transition = change.flow.find(change.deal.stage, move)
    if transition is not None:
        return transition
    stage = change.flow.stage(change.deal.stage)
    allowed = sorted(
        {t.move for t in change.flow.available(stage.id)} - {Move.OVERRIDE},
        key=list(Move).index,
    )
    return Invalid(
        _(_CANNOT[move]).format(stage=stage.name),
        _("from here: {moves}").format(moves=", ".join(f"/deal {m.value}" for m in allowed))
        if allowed
        else _("{stage} is a final stage").format(stage=stage.name),
    )


def _state(change: Change) -> DealState:
    return DealState(
        state=change.deal.stage,
        ticked=frozenset(t.item_id for t in change.ticks),
        evidence={t.item_id: t.evidence or "" for t in change.ticks},
        validated=frozenset(t.item_id for t in change.ticks if t.validated_by),
    )


async def enter_stage(
    change: Change,
    transition: Transition,
    kind: EventKind,
    *,
    reason: str | None,
    value: str | None = None,
    until: dt.date | None = None,
    skipped: list | None = None,
) -> Outcome:
    from_stage = change.flow.stage(transition.source)
    dest = change.flow.stage(transition.dest)
    # The entry written here records when the stay it ends began (the KPIs read stays off
    # it: storage.kpi_queries): the deal's stage_entered_at, which is the `at` of the entry
    # that began the stay, since each entry and its stage_entered_at share one `now`.
    stay_started_at = change.deal.stage_entered_at
    now = change.services.clock()
    entry = {"stage": dest.id, "status": status_for(change.flow.map, dest), "nurture_until": until}
    handoff_id = await enter_with_handoff(change, from_stage, dest, entry, at=now)
    if skipped:
        value = ",".join(item.id for item in skipped)
    change.event(
        kind,
        at=now,
        from_stage=from_stage.id,
        to_stage=dest.id,
        action=transition.move.value,
        reason=reason,
        value=value,
        stay_started_at=stay_started_at,
    )
    card = await change.card()
    return Moved(
        card=card,
        move=transition.move,
        from_stage=from_stage,
        reason=reason,
        skipped=skipped or [],
        handoff_id=handoff_id,
    )
