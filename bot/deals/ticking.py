"""Ticking exit items. Ticking sets the selection to what was sent (a checkbox payload
carries the whole current selection), so a replayed request changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, Outcome
from bot.core.refs import DealRef
from bot.core.values import BadValue
from bot.deals.approval_notes import approval_notes
from bot.deals.approvals import Diverted, divert, pending_items, requests_in
from bot.deals.asking_validation import Asked, ask_validation, needs_validation, validates_own_ticks
from bot.deals.cards import build_card
from bot.deals.evidence_values import read_evidence_value
from bot.deals.outcomes import Ticked
from bot.deals.writes import Change, change_deal
from flows.i18n import _
from flows.schema import Evidence, Stage
from storage.approval_models import ApprovalRequest
from storage.models import EventKind, ExitTick


def resolve_items(stage: Stage, refs: Iterable[str]) -> list[str] | Invalid:
    """Item numbers (1-based, as the card shows them) or item ids → item ids."""
    ids: list[str] = []
    count = len(stage.exit)
    for ref in refs:
        ref = ref.strip().lower()
        # ASCII and short: isdigit() is also true for '²', and int() refuses 4301+ digits
        if ref.isascii() and ref.isdigit() and len(ref) <= 3 and 1 <= int(ref) <= count:
            ids.append(stage.exit[int(ref) - 1].id)
        elif stage.item(ref):
            ids.append(ref)
        else:
            return Invalid(
                _("'{ref}' is not an exit item of {stage}").format(ref=ref, stage=stage.name)
                if count
                else _("{stage} has no exit items to tick").format(stage=stage.name),
                _("use a number from 1 to {count}, as listed on the card").format(count=count)
                if count
                else _("advance the deal instead: /deal advance"),
            )
    return ids


async def set_ticks(
    services: Services,
    actor: Actor,
    ref: DealRef,
    *,
    selection: Iterable[str] | None = None,
    tick: Iterable[str] = (),
    untick: Iterable[str] = (),
    evidence: Mapping[str, str] | None = None,
) -> Outcome:
    """Set the ticked items of the deal's current stage.

    `selection` (item numbers or ids) replaces the whole set, as a checkbox click does;
    otherwise `tick` and `untick` are applied to the current set. `evidence` maps items to
    the value that proves them, and ticks them.
    """

    async def apply(change: Change) -> Outcome:
        return await apply_ticks(change, selection, list(tick), list(untick), dict(evidence or {}))

    return await change_deal(services, actor, ref, apply)


# The tick rules inside a change already under way: `set_ticks`'s, and those of a use case
# that checks more first (bot.deals.message_evidence).
async def apply_ticks(
    change: Change,
    selection: Iterable[str] | None,
    tick: list[str],
    untick: list[str],
    evidence: dict[str, str],
) -> Outcome:
    stage = change.flow.stage(change.deal.stage)
    wanted = _wanted(stage, selection, tick, untick, evidence)
    if isinstance(wanted, Invalid):
        return wanted
    values = _evidence_values(stage, evidence, currency=change.deal.currency)
    if isinstance(values, Invalid):
        return values
    return await _settle(change, stage, wanted, values)


@dataclass(slots=True)
class _Plan:
    """The items a tick changes: ticked, unticked, with a new value, waiting for one."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    waiting: list[str]


async def _settle(
    change: Change,
    stage: Stage,
    wanted: tuple[list[str] | None, list[str], list[str]],
    values: dict[str, str],
) -> Ticked | Invalid:
    _selected, ticking, unticking = wanted
    current, requests = {t.item_id: t for t in change.ticks}, await requests_in(change, stage)
    plan = _plan(stage, wanted, values, current, pending_items(requests))
    diverted = await _ask_approvals(change, stage, requests, plan, wanted, values)
    if isinstance(diverted, Invalid):  # an approval no one could give: nothing written
        return diverted
    added, removed, changed = plan.added, plan.removed, plan.changed
    ticks, asked = list(current.values()), Asked([], ())
    if added or removed or changed:
        written = await _write_ticks(change, stage, added, removed, changed, values)
        ticks = change.ticks = [t for t in ticks if t.item_id not in {*removed, *changed}] + written
        asked = await ask_validation(change, stage, written)
    notes = approval_notes(await requests_in(change, stage)) if requests or diverted.asked else {}
    # The card from the ticks as written, not read back: one statement fewer per click.
    card = build_card(
        deal=change.deal,
        ticks=ticks,
        flow=change.flow,
        now=change.services.clock(),
        approvals=notes,
    )
    return Ticked(
        card=card,
        ticked=added + changed,
        unticked=[i for i in removed if i not in plan.waiting],
        waiting=plan.waiting,
        to_validate=asked.items,
        validators=asked.validators,
        already_ticked=[i for i in ticking if i in current and i not in changed],
        not_ticked=[i for i in unticking if i not in current and i not in diverted.withdrawn],
        approvals=tuple(diverted.asked),
        approval_waits=diverted.waits,
        withdrawn=diverted.withdrawn,
    )


async def _ask_approvals(
    change: Change,
    stage: Stage,
    requests: list[ApprovalRequest],
    plan: _Plan,
    wanted: tuple[list[str] | None, list[str], list[str]],
    values: dict[str, str],
) -> Diverted | Invalid:
    """The items that ask for approval become requests instead of ticks (`plan` keeps the
    rest); a waiting request left out of a selection, or unticked by name, is withdrawn."""
    selected, _ticking, unticking = wanted
    pending = pending_items(requests)
    dropped = set(unticking) | (pending - set(selected) if selected is not None else set())
    diverted = await divert(
        change, stage, requests, writing=plan.added + plan.changed, dropped=dropped, values=values
    )
    if isinstance(diverted, Invalid):
        return diverted
    plan.added = [i for i in plan.added if i not in diverted.taken]
    # A new value for an approved item is approved again: its tick goes until then.
    plan.removed += [i for i in plan.changed if i in diverted.taken]
    plan.changed = [i for i in plan.changed if i not in diverted.taken]
    return diverted


def _plan(
    stage: Stage,
    wanted: tuple[list[str] | None, list[str], list[str]],
    values: dict[str, str],
    current: dict[str, ExitTick],
    pending: set[str],
) -> _Plan:
    selected, ticking, unticking = wanted
    wanted_set = set(selected if selected is not None else current) | set(ticking) | set(values)
    # Evidence is part of the tick: an item that asks for a value is ticked with it or not
    # at all; the caller asks for it (the form in Slack, the question in the shell). An
    # item waiting for approval has its value already.
    waiting = _waiting(stage, set(selected or ticking) - pending, values, current)
    wanted_set -= set(unticking) | set(waiting)
    added, removed, changed = _differences(stage, wanted_set, current, values)
    return _Plan(added, removed, changed, waiting)


def _differences(
    stage: Stage, wanted: set[str], current: dict[str, ExitTick], values: dict[str, str]
) -> tuple[list[str], list[str], list[str]]:
    """Items to tick, to untick, and ticked ones whose evidence changes, in checklist order."""
    added = [item.id for item in stage.exit if item.id in wanted and item.id not in current]
    removed = [item.id for item in stage.exit if item.id in current and item.id not in wanted]
    changed = [i for i, v in values.items() if i in current and current[i].evidence != v]
    return added, removed, changed


def _waiting(
    stage: Stage, asked: set[str], values: dict[str, str], current: dict[str, ExitTick]
) -> list[str]:
    """The items asked to be ticked that need a value no one has given yet."""
    return [
        item.id
        for item in stage.exit
        if item.id in asked
        and item.evidence is not None
        and item.id not in values
        and not (item.id in current and (current[item.id].evidence or "").strip())
    ]


def _wanted(
    stage: Stage,
    selection: Iterable[str] | None,
    tick: list[str],
    untick: list[str],
    evidence: dict[str, str],
) -> tuple[list[str] | None, list[str], list[str]] | Invalid:
    resolved: list[list[str] | None] = []
    for refs in (selection, tick, untick):
        ids = None if refs is None else resolve_items(stage, refs)
        if isinstance(ids, Invalid):
            return ids
        resolved.append(ids)
    return resolved[0], resolved[1] or [], resolved[2] or []


def _evidence_values(
    stage: Stage, evidence: dict[str, str], *, currency: str
) -> dict[str, str] | Invalid:
    """Each given value read as its item's map types it (money in the deal's currency
    unless it names one); the first bad one refuses all."""
    values: dict[str, str] = {}
    for ref, raw in evidence.items():
        ids = resolve_items(stage, [ref])
        if isinstance(ids, Invalid):
            return ids
        item = stage.item(ids[0])
        assert item is not None  # resolve_items only answers the stage's own items
        value = read_evidence_value(
            item.evidence or Evidence(prompt=item.text), raw, currency=currency
        )
        if isinstance(value, BadValue):
            return Invalid(value.message, value.hint, field=f"evidence:{item.id}")
        values[item.id] = value
    return values


async def _write_ticks(
    change: Change,
    stage: Stage,
    added: list[str],
    removed: list[str],
    changed_evidence: list[str],
    values: dict[str, str],
) -> list[ExitTick]:
    """Write the ticks and their events; the ticks added, as written."""
    stale = removed + changed_evidence
    if stale:
        await change.held.remove_ticks(stage.id, stale)
    written_ids = added + changed_evidence
    validator = change.actor.user_id if await _validates(change, stage, written_ids) else None
    written = [
        _tick(change, stage, item_id, values.get(item_id), validator) for item_id in written_ids
    ]
    for item_id in removed:
        change.event(EventKind.UNTICKED, from_stage=stage.id, item_id=item_id)
    await change.held.add_ticks(written)
    await change.save()
    return written


def _tick(
    change: Change, stage: Stage, item_id: str, value: str | None, validator: str | None
) -> ExitTick:
    """One tick as written, and its events (validated at once when the actor validates)."""
    deal, now = change.deal, change.services.clock()
    assert deal.id is not None
    validated = validator if needs_validation(stage, item_id) else None
    change.event(EventKind.TICKED, from_stage=stage.id, item_id=item_id, value=value)
    if validated:
        change.event(EventKind.VALIDATED, from_stage=stage.id, item_id=item_id)
    return ExitTick(
        team_id=deal.team_id,
        deal_id=deal.id,
        stage=stage.id,
        item_id=item_id,
        ticked_by=change.actor.user_id,
        ticked_at=now,
        evidence=value,
        validated_by=validated,
        validated_at=now if validated else None,
    )


async def _validates(change: Change, stage: Stage, item_ids: list[str]) -> bool:
    """Whether the actor's own ticks are validated as written: only asked (one read of
    who they are) when an item written asks for validation."""
    return any(needs_validation(stage, i) for i in item_ids) and await validates_own_ticks(change)
