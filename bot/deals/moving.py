"""Moving a deal between stages: advance (gated by the exit criteria), a manager's
override, the branches (lose, disqualify, nurture) and reopen."""

from __future__ import annotations

import datetime as dt

from bot.core.access import may_override
from bot.core.context import Actor, Services
from bot.core.outcomes import Blocked, Invalid, Outcome
from bot.core.values import BadValue, clean_reason, match_lost_reason, parse_future_date
from bot.deals.cards import build_card
from bot.deals.outcomes import Moved
from bot.deals.writes import Change, change_deal
from flows.i18n import _
from flows.machine import DealState, Move, Transition
from flows.schema import ProcessMap, Stage, StageKind
from storage.models import DealStatus, EventKind

_STATUS_OF_KIND = {
    StageKind.LOST: DealStatus.LOST,
    StageKind.DISQUALIFIED: DealStatus.DISQUALIFIED,
    StageKind.NURTURE: DealStatus.NURTURE,
}


def status_for(process_map: ProcessMap, stage: Stage) -> DealStatus:
    if stage.kind in _STATUS_OF_KIND:
        return _STATUS_OF_KIND[stage.kind]
    if stage.won or process_map.is_post_sale(stage.id):
        return DealStatus.WON
    return DealStatus.OPEN


async def advance(
    services: Services, actor: Actor, ref: str | None, *, expected_stage: str | None = None
) -> Outcome:
    """Move to the next stage only if every required exit item is ticked."""
    return await change_deal(services, actor, ref, _advance, expected_stage=expected_stage)


async def _advance(change: Change) -> Outcome:
    transition = _transition(change, Move.ADVANCE)
    if isinstance(transition, Invalid):
        return transition
    if not change.flow.fire(transition, _state(change)):
        card = build_card(  # from the ticks read with the deal: they are the card's
            deal=change.deal, ticks=change.ticks, flow=change.flow, now=change.services.clock()
        )
        return Blocked(
            _("{name} cannot leave {stage} yet: {count} required item(s) open").format(
                name=change.deal.name, stage=card.stage.name, count=len(card.missing)
            ),
            _("tick them on the card or with /deal tick <numbers>, then advance again"),
            card=card,
            missing=card.missing,
        )
    return await _enter(change, transition, EventKind.ADVANCED, reason=None)


async def override(
    services: Services,
    actor: Actor,
    ref: str | None,
    *,
    reason: str | None,
    expected_stage: str | None = None,
) -> Outcome:
    """A manager advances despite open items; the reason and the skipped items are kept."""
    cleaned = clean_reason(reason, what=_("reason for the override"))
    if isinstance(cleaned, BadValue):
        return Invalid(cleaned.message, cleaned.hint, field="reason")

    async def apply(change: Change) -> Outcome:
        transition = _transition(change, Move.OVERRIDE)
        if isinstance(transition, Invalid):
            return transition
        state = _state(change)
        skipped = change.flow.missing_items(state.state, state.ticked, state.evidence)
        if not skipped:
            return Invalid(
                _("nothing to override: every required item of this stage is done"),
                _("use /deal advance"),
            )
        change.flow.fire(transition, state)
        return await _enter(
            change, transition, EventKind.OVERRIDDEN, reason=cleaned, skipped=skipped
        )

    return await change_deal(
        services, actor, ref, apply, expected_stage=expected_stage, permission=may_override
    )


async def lose(
    services: Services,
    actor: Actor,
    ref: str | None,
    *,
    reason: str | None,
    expected_stage: str | None = None,
) -> Outcome:
    async def apply(change: Change) -> Outcome:
        chosen = match_lost_reason(reason, change.flow.map.lost_reasons)
        if isinstance(chosen, BadValue):
            return Invalid(chosen.message, chosen.hint, field="reason")
        text = f"{chosen.reason}: {chosen.note}" if chosen.note else chosen.reason
        return await _branch(change, Move.LOSE, reason=text, value=chosen.reason)

    return await change_deal(services, actor, ref, apply, expected_stage=expected_stage)


async def disqualify(
    services: Services,
    actor: Actor,
    ref: str | None,
    *,
    reason: str | None,
    expected_stage: str | None = None,
) -> Outcome:
    cleaned = clean_reason(reason, what=_("reason for disqualifying"))
    if isinstance(cleaned, BadValue):
        return Invalid(cleaned.message, cleaned.hint, field="reason")

    async def apply(change: Change) -> Outcome:
        return await _branch(change, Move.DISQUALIFY, reason=cleaned)

    return await change_deal(services, actor, ref, apply, expected_stage=expected_stage)


async def nurture(
    services: Services,
    actor: Actor,
    ref: str | None,
    *,
    until: str | None,
    expected_stage: str | None = None,
) -> Outcome:
    date = parse_future_date(until or "", today=services.clock().date())
    if isinstance(date, BadValue):
        return Invalid(date.message, date.hint, field="date")

    async def apply(change: Change) -> Outcome:
        return await _branch(change, Move.NURTURE, reason=None, value=date.isoformat(), until=date)

    return await change_deal(services, actor, ref, apply, expected_stage=expected_stage)


async def reopen(
    services: Services,
    actor: Actor,
    ref: str | None,
    *,
    stage: str | None,
    expected_stage: str | None = None,
) -> Outcome:
    """Back from lost / disqualified / nurture to a stage the map allows (default: its first)."""

    async def apply(change: Change) -> Outcome:
        options = [t for t in change.flow.available(change.deal.stage) if t.move is Move.REOPEN]
        if not options:
            return Invalid(
                _("{name} is in {stage}, which cannot be reopened").format(
                    name=change.deal.name, stage=change.flow.stage(change.deal.stage).name
                ),
                _("only lost, disqualified or nurtured deals reopen, where the map allows it"),
            )
        transition = _pick_reopen(change, options, stage)
        if isinstance(transition, Invalid):
            return transition
        change.flow.fire(transition, DealState(change.deal.stage))
        return await _enter(change, transition, EventKind.REOPENED, reason=None)

    return await change_deal(services, actor, ref, apply, expected_stage=expected_stage)


def _pick_reopen(
    change: Change, options: list[Transition], wanted: str | None
) -> Transition | Invalid:
    if not wanted or not wanted.strip():
        return options[0]
    key = wanted.strip().lower()
    for transition in options:
        stage = change.flow.stage(transition.dest)
        if key in (stage.id, stage.name.lower()) or stage.name.lower().startswith(key):
            return transition
    names = ", ".join(f"{change.flow.stage(t.dest).name} ({t.dest})" for t in options)
    return Invalid(
        _("'{stage}' is not a stage this deal can be reopened to").format(stage=wanted),
        _("pick one of: ") + names,
        field="stage",
    )


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
    return await _enter(
        change, transition, EventKind.BRANCHED, reason=reason, value=value, until=until
    )


def _transition(change: Change, move: Move) -> Transition | Invalid:
    transition = change.flow.find(change.deal.stage, move)
    if transition is not None:
        return transition
    stage = change.flow.stage(change.deal.stage)
    allowed = sorted(
        {t.move.value for t in change.flow.available(stage.id)} - {Move.OVERRIDE.value}
    )
    return Invalid(
        _("a deal in {stage} cannot {move}").format(stage=stage.name, move=move.value),
        (_("from here it can: ") + ", ".join(allowed))
        if allowed
        else _("{stage} is a final stage").format(stage=stage.name),
    )


def _state(change: Change) -> DealState:
    return DealState(
        state=change.deal.stage,
        ticked=frozenset(t.item_id for t in change.ticks),
        evidence={t.item_id: t.evidence or "" for t in change.ticks},
    )


async def _enter(
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
    await change.save(
        stage=dest.id,
        status=status_for(change.flow.map, dest),
        stage_entered_at=now,
        nurture_until=until,
    )
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
        card=card, move=transition.move, from_stage=from_stage, reason=reason, skipped=skipped or []
    )
