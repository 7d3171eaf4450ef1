"""Reading what a modal submitted (`view["state"]["values"]`) as typed answers, one
value a field: a form's reason and its note stay two values all the way to the use case.

The state arrives over the network: every reader tolerates missing blocks, other action
ids and wrong types, and answers None (or leaves the item out) instead of raising.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.core.dates import picked_date
from bot.views.ids import BlockId
from flows.machine import Move


@dataclass(frozen=True, slots=True)
class BranchAnswers:
    """What a branch form (bot.views.branch_forms) asked; None where it did not ask."""

    reason: str | None = None
    note: str | None = None
    date: str | None = None  # YYYY-MM-DD, as the date picker gives it
    stage: str | None = None  # a stage id, as the select gives it


@dataclass(frozen=True, slots=True)
class NewDealAnswers:
    name: str | None = None
    amount: str | None = None  # as typed: bot.core.values.parse_amount reads it
    company: str | None = None
    close: dt.date | None = None  # the date picker's day


BRANCH_INPUTS: dict[Move, frozenset[BlockId]] = {
    Move.LOSE: frozenset({BlockId.REASON, BlockId.NOTE}),
    Move.DISQUALIFY: frozenset({BlockId.REASON}),
    Move.NURTURE: frozenset({BlockId.DATE, BlockId.NOTE}),
    Move.REOPEN: frozenset({BlockId.STAGE}),
    Move.OVERRIDE: frozenset({BlockId.REASON}),
}


def state_values(view_state: object) -> dict[str, Any]:
    """The `values` mapping, given it or the `state` or the whole view around it."""
    found = view_state if isinstance(view_state, dict) else {}
    for key in ("view", "state", "values"):
        inner = found.get(key)
        if isinstance(inner, dict):
            found = inner
    return found


def read_input(view_state: object, block_id: str) -> str | None:
    """The value of one input block: typed text or a number, a picked date, user or option."""
    block = state_values(view_state).get(block_id)
    if not isinstance(block, dict) or not block:
        return None
    # The element's action_id equals its block id; a lone element under another id is
    # still the answer (a client that renamed it must not lose what the user typed).
    entry = block.get(block_id, next(iter(block.values())) if len(block) == 1 else None)
    return entry_value(entry)


def entry_value(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return None
    option = entry.get("selected_option")
    candidates = (
        option.get("value") if isinstance(option, dict) else None,
        entry.get("value"),
        entry.get("selected_date"),
        entry.get("selected_user"),
    )
    raw = next((value for value in candidates if isinstance(value, str)), None)
    return (raw.strip() or None) if raw is not None else None


def read_branch(view_state: object, move: Move) -> BranchAnswers:
    """The answers of `move`'s form; the fields it does not ask for are None."""
    wanted = BRANCH_INPUTS.get(move, frozenset())

    def answer(block_id: BlockId) -> str | None:
        return read_input(view_state, block_id) if block_id in wanted else None

    return BranchAnswers(
        reason=answer(BlockId.REASON),
        note=answer(BlockId.NOTE),
        date=answer(BlockId.DATE),
        stage=answer(BlockId.STAGE),
    )


def read_new_deal(view_state: object) -> NewDealAnswers:
    return NewDealAnswers(
        name=read_input(view_state, BlockId.NAME),
        amount=read_input(view_state, BlockId.AMOUNT),
        company=read_input(view_state, BlockId.COMPANY),
        close=picked_date(read_input(view_state, BlockId.DATE)),
    )


def read_evidence(view_state: object) -> dict[str, str]:
    """{item id: value} for every evidence input that holds a value."""
    found: dict[str, str] = {}
    for block_id in state_values(view_state):
        item_id = str(block_id).removeprefix(BlockId.EVIDENCE_PREFIX)
        if item_id == block_id or not item_id:
            continue
        value = read_input(view_state, block_id)
        if value is not None:
            found[item_id] = value
    return found
