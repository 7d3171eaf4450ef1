"""Reopening a deal that left the main path (lost, disqualified, nurtured).

A deal comes back to the stage it left or an earlier one, among the stages the map lets
its side stage reopen to. A later stage would walk around the gates in between, whose exit
criteria the deal never met: the way there is to reopen it where it left and have a manager
override each gate with a reason (bot.deals.moving.override), which is audited and counted
as a deviation. docs/architecture.md states the invariant; tests/deals/test_gate_invariant.py
checks it over random command sequences.
"""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, Outcome
from bot.core.refs import DealRef
from bot.deals.cards import reopen_moves
from bot.deals.moving import enter_stage
from bot.deals.writes import Change, change_deal
from flows.caseless import caseless
from flows.i18n import _
from flows.machine import DealState, Move, Transition
from storage.branches import stage_left
from storage.models import EventKind


async def reopen(services: Services, actor: Actor, ref: DealRef, *, stage: str | None) -> Outcome:
    """Back to the stage the deal left, or an earlier one the map allows (default: the
    earliest the map lists)."""

    async def apply(change: Change) -> Outcome:
        options = [t for t in change.flow.available(change.deal.stage) if t.move is Move.REOPEN]
        if not options:
            return Invalid(
                _("{name} is in {stage}, which cannot be reopened").format(
                    name=change.deal.name, stage=change.flow.stage(change.deal.stage).name
                ),
                _("only lost, disqualified or nurtured deals reopen, where the map allows it"),
            )
        assert change.deal.id is not None
        left = await stage_left(
            change.held.session, deal_id=change.deal.id, side_stage=change.deal.stage
        )
        transition = _pick(change, reopen_moves(change.flow.map, options, left), stage, left)
        if isinstance(transition, Invalid):
            return transition
        change.flow.fire(transition, DealState(change.deal.stage))
        return await enter_stage(change, transition, EventKind.REOPENED, reason=None)

    return await change_deal(services, actor, ref, apply)


def _pick(
    change: Change, allowed: list[Transition], wanted: str | None, left: str | None
) -> Transition | Invalid:
    if not allowed:
        return _nowhere_to_reopen(change, left)
    if not wanted or not wanted.strip():
        return allowed[0]
    key = caseless(wanted.strip())
    every = [t for t in change.flow.available(change.deal.stage) if t.move is Move.REOPEN]
    for transition in every:
        stage = change.flow.stage(transition.dest)
        if key in (stage.id, caseless(stage.name)) or caseless(stage.name).startswith(key):
            return transition if transition in allowed else _past_the_gate(change, left, allowed)
    return Invalid(
        _("'{stage}' is not a stage this deal can be reopened to").format(stage=wanted),
        _("pick one of: ") + _names(change, allowed),
        field="stage",
    )


def _past_the_gate(change: Change, left: str | None, allowed: list[Transition]) -> Invalid:
    left_name = change.flow.stage(left).name if left else _("the main path")
    return Invalid(
        _("{name} left at {stage}; reopening it further on would skip exit criteria").format(
            name=change.deal.name, stage=left_name
        ),
        _("reopen it to one of: {names}; a manager may then /deal override the gates").format(
            names=_names(change, allowed)
        ),
        field="stage",
    )


def _nowhere_to_reopen(change: Change, left: str | None) -> Invalid:
    side = change.flow.stage(change.deal.stage).name
    left_name = change.flow.stage(left).name if left else _("the main path")
    return Invalid(
        _("{name} left at {stage}, and the map reopens {side} deals only to later stages").format(
            name=change.deal.name, stage=left_name, side=side
        ),
        _("ask the map's owner to let {side} reopen to {stage} or earlier").format(
            side=side, stage=left_name
        ),
    )


def _names(change: Change, transitions: list[Transition]) -> str:
    return ", ".join(f"{change.flow.stage(t.dest).name} ({t.dest})" for t in transitions)
