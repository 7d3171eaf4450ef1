"""Who hears of a change to a deal they own but did not make: the rule behind the owner's
DM. An edit, a tick or untick, and a move (an override of their gate above all) made by
someone else are told to the owner; an edit that hands the deal over is told to the owner
it had and to the one it has now. A send-back has its own DM (bot.deals.validating).
How the notices are sent and batched is the adapter's: bot/slack/owner_notices.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Actor
from bot.core.outcomes import Outcome
from bot.deals.outcomes import Edited, Moved, Ticked

# The changes the owner is told of.
Told = Edited | Ticked | Moved


@dataclass(frozen=True, slots=True)
class OwnerNotice:
    """One change, for one owner: `actor_id` changed `deal_id`, owned by `owner_id`."""

    team_id: str
    deal_id: int
    owner_id: str
    actor_id: str
    change: Told


def owner_notices(outcome: Outcome, actor: Actor) -> list[OwnerNotice]:
    """The notices `outcome` calls for: none when the actor owns the deal (or owned it, for
    an edit that gave it away), none for what changed nothing."""
    if not isinstance(outcome, Edited | Ticked | Moved):
        return []
    if isinstance(outcome, Ticked) and not (outcome.ticked or outcome.unticked):
        return []  # only asked for evidence: nothing changed yet
    owners = [outcome.card.owner_id]
    if isinstance(outcome, Edited) and outcome.owner_before != outcome.card.owner_id:
        owners.insert(0, outcome.owner_before)
    return [
        OwnerNotice(actor.team_id, outcome.card.deal_id, owner, actor.user_id, outcome)
        for owner in owners
        if owner != actor.user_id
    ]
