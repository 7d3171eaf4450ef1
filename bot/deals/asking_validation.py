"""Who confirms a tick the map has validated (`validate: manager`): the validator's own
ticks are validated as written; anyone else's wait, and the adapter asks the validators
(bot.deals.validating answers)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import is_admin_or_manager_of, validators_of
from bot.deals.writes import Change
from flows.schema import Stage
from storage.models import ExitTick


@dataclass(frozen=True, slots=True)
class Asked:
    """Items just ticked that wait for validation, and who is asked."""

    items: list[str]
    validators: tuple[str, ...]


async def validates_own_ticks(change: Change) -> bool:
    """Whether the actor's ticks on this deal are validated as written (they may validate)."""
    return await is_admin_or_manager_of(
        change.held.session, change.services, change.actor, user_id=change.deal.owner_id
    )


async def ask_validation(change: Change, stage: Stage, written: list[ExitTick]) -> Asked:
    waiting = [
        t.item_id for t in written if t.validated_by is None and needs_validation(stage, t.item_id)
    ]
    if not waiting:
        return Asked([], ())
    validators = await validators_of(
        change.held.session,
        change.services,
        team_id=change.deal.team_id,
        owner_id=change.deal.owner_id,
    )
    return Asked(waiting, validators)


def needs_validation(stage: Stage, item_id: str) -> bool:
    item = stage.item(item_id)
    return item is not None and item.validate_by is not None
