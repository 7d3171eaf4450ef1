"""Handoffs to the owning team (docs/handoffs.md). A move into a stage whose owner differs
from the stage it left hands the deal over: in the move's own transaction the deal is
marked waiting (or, when the owner has no channel in this workspace, no_channel) and the
handoff row is written; after the acknowledgement the adapter posts `handoff_notice` to the
team's channel (bot/slack/handoff_posts.py). Accept, once, records who holds the stage.

`handoff_notice` is the one place a handoff message's content comes from: anything else
that shows a handoff (a deal room) builds it from there and bot.views.handoff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.outcomes import NotAllowed, NotFound, Outcome, Stale
from bot.core.refs import SeenDeal
from bot.deals.cards import build_card
from bot.deals.outcomes import HandoffAccepted, HandoffNotice
from bot.deals.writes import Change, change_deal
from flows.i18n import _
from flows.schema import Stage
from storage import handoff_queries
from storage.handoff_models import Handoff, OwnerChannel
from storage.models import Deal, EventKind
from storage.name_keys import fold

WAITING = "waiting"
NO_CHANNEL = "no_channel"
HELD = "held"


def owner_key(label: str) -> str:
    """Owner labels compare as names do: case, accents and spacing ignored."""
    return " ".join(fold(label).split())


def hands_over(left: Stage, entered: Stage) -> bool:
    return owner_key(left.owner) != owner_key(entered.owner)


@dataclass(frozen=True, slots=True)
class HandoffPlan:
    """What a move into another team's stage writes: the deal's columns, and the channel
    the handoff goes to (None: the team has none yet)."""

    values: dict[str, object]
    channel: OwnerChannel | None


async def enter_with_handoff(
    change: Change, left: Stage, entered: Stage, entry: Mapping[str, object], *, at: dt.datetime
) -> int | None:
    """Save the deal's entry into `entered` at `at`, with who holds it now; the handoff to
    post after the commit, if the move hands the deal to a team with a channel."""
    plan = await plan_handoff(change, left, entered)
    if plan is not None:
        await change.save(**entry, stage_entered_at=at, **plan.values)
        return await record_handoff(change, plan, left, entered, at=at)
    await _keep_waiting_handoff(change, entered, entry, at=at)
    return None


async def _keep_waiting_handoff(
    change: Change, entered: Stage, entry: Mapping[str, object], *, at: dt.datetime
) -> None:
    """A move within the same team's stages before anyone accepted: the team has still to
    take the deal, so its handoff moves on with it to the new stay (Accept, the card, the
    digest and the SLA reminder all read the stay it belongs to). A side exit (lost,
    disqualified, nurture) leaves nothing to take: the wait ends."""
    waiting, began = change.deal.handoff == WAITING, change.deal.stage_entered_at
    ended = {"handoff": None} if waiting and not entered.is_open else {}
    await change.save(**entry, stage_entered_at=at, **ended)
    if waiting and entered.is_open and began is not None:
        assert change.deal.id is not None
        await handoff_queries.follow_deal(
            change.held.session, deal_id=change.deal.id, began=began, now=at, stage=entered.id
        )


async def plan_handoff(change: Change, left: Stage, entered: Stage) -> HandoffPlan | None:
    """None when the owner stays the same (whoever held the stage keeps holding it), for
    the onboarding's practice deal, which no team should ever be asked to take, and in a
    workspace that gave no team a channel: it does not use handoffs, and its cards and
    replies should not say on every move that a team has no channel."""
    if change.deal.is_practice or not hands_over(left, entered):
        return None
    session, team_id = change.held.session, change.deal.team_id
    channel = await handoff_queries.owner_channel(
        session, team_id=team_id, owner_key=owner_key(entered.owner)
    )
    if channel is None and not await handoff_queries.any_owner_channel(session, team_id=team_id):
        return None
    state = WAITING if channel is not None else NO_CHANNEL
    return HandoffPlan({"handoff": state, "held_by": None}, channel)


async def record_handoff(
    change: Change, plan: HandoffPlan, left: Stage, entered: Stage, *, at: dt.datetime
) -> int | None:
    """Write the handoff of the stay that began `at`; its id, to post after the commit."""
    if plan.channel is None:
        return None
    assert change.deal.id is not None
    row = Handoff(
        team_id=change.deal.team_id,
        deal_id=change.deal.id,
        from_stage=left.id,
        to_stage=entered.id,
        owner=entered.owner,
        entered_at=at,
        channel_id=plan.channel.channel_id,
        usergroup_id=plan.channel.usergroup_id,
        handed_by=change.actor.user_id,
        created_at=at,
    )
    return await handoff_queries.add_handoff(change.held.session, row)


async def handoff_notice(services: Services, team_id: str, handoff_id: int) -> HandoffNotice | None:
    """The handoff as its message shows it now; None if there is no such handoff."""
    async with services.db.read() as session:
        handed = await handoff_queries.handoff(session, team_id=team_id, handoff_id=handoff_id)
        deal = await session.get(Deal, handed.deal_id) if handed else None
        ticks = await handoff_queries.evidence_of(session, deal_id=handed.deal_id) if handed else []
    if handed is None or deal is None:
        return None
    flow = await services.catalog.flow(services.db, map_id=deal.map_id, version=deal.map_version)
    stages = {stage.id: stage for stage in flow.map.stages}
    evidence = []
    for tick in ticks:
        item = stages[tick.stage].item(tick.item_id) if tick.stage in stages else None
        evidence.append((item.text if item else tick.item_id, tick.evidence or ""))
    return HandoffNotice(
        handoff_id=handoff_id,
        deal_id=handed.deal_id,
        name=deal.name,
        amount=deal.amount,
        currency=deal.currency,
        owner_id=deal.owner_id,
        team=handed.owner,
        from_stage=_name(stages, handed.from_stage),
        to_stage=_name(stages, handed.to_stage),
        evidence=tuple(evidence),
        channel_id=handed.channel_id,
        usergroup_id=handed.usergroup_id,
        handed_by=handed.handed_by,
        message_ts=handed.message_ts,
        accepted_by=handed.accepted_by,
    )


def _name(stages: dict[str, Stage], stage_id: str) -> str:
    found = stages.get(stage_id)
    return found.name if found else stage_id  # a stage its map version no longer has


async def posted(services: Services, handoff_id: int, ts: str) -> None:
    """Keep the message's ts, so Accept can update it wherever it is clicked."""
    async with services.db.write() as session:
        await handoff_queries.set_message(session, handoff_id=handoff_id, ts=ts)


async def accept_handoff(services: Services, actor: Actor, handoff_id: int) -> Outcome:
    """Take the deal for the team: once. A second Accept, or one after the deal moved on,
    changes nothing and says why."""
    notice = await handoff_notice(services, actor.team_id, handoff_id)
    if notice is None:
        return NotFound(_("that handoff no longer exists"), _("run /deal show for the deal"))
    if notice.accepted_by is not None:
        return HandoffAccepted(notice, already=True)
    async with services.db.read() as session:
        handed = await handoff_queries.handoff(
            session, team_id=actor.team_id, handoff_id=handoff_id
        )
    assert handed is not None
    if handed.handed_by == actor.user_id:
        return _not_yours(notice)
    taken: list[bool] = []

    async def apply(change: Change) -> Outcome:
        if change.deal.stage_entered_at != handed.entered_at:  # left and came back since
            return _moved_on(change, notice)
        if await handoff_queries.accept(
            change.held.session, handoff_id=handoff_id, by=actor.user_id, at=services.clock()
        ):
            change.event(
                EventKind.HANDOFF_ACCEPTED, to_stage=handed.to_stage, value=str(handoff_id)
            )
            await change.save(handoff=HELD, held_by=actor.user_id)
            taken.append(True)
        return HandoffAccepted(notice)

    seen = SeenDeal(handed.deal_id, handed.to_stage)
    outcome = await change_deal(services, actor, seen, apply, permission=_anyone)
    if isinstance(outcome, Stale):
        return _moved_on_answer(outcome, notice)
    now = await handoff_notice(services, actor.team_id, handoff_id)
    if not isinstance(outcome, HandoffAccepted) or now is None:
        return outcome
    return HandoffAccepted(now, already=not taken)


def _not_yours(notice: HandoffNotice) -> NotAllowed:
    """Who handed the deal over cannot take it for the other team: the handoff is there so
    that someone in that team says they have it (and its reminder stops only then)."""
    return NotAllowed(
        _("you handed {name} to {team}: someone in {team} accepts it").format(
            name=notice.name, team=notice.team
        ),
        _("wait for them, or ask in the team's channel; the reminder goes out after its SLA"),
    )


async def _anyone(
    session: AsyncSession, services: Services, actor: Actor, deal: Deal
) -> NotAllowed | None:
    """Anyone in the workspace but who handed it over may take a handoff: it is posted to
    the team's channel (and the deal's room), whose members Slack does not tell us."""
    return None


def _moved_on(change: Change, notice: HandoffNotice) -> Stale:
    card = build_card(
        deal=change.deal, ticks=change.ticks, flow=change.flow, now=change.services.clock()
    )
    return _moved_on_answer(Stale("", card=card), notice)


def _moved_on_answer(stale: Stale, notice: HandoffNotice) -> Stale:
    return Stale(
        _("{name} has moved on since it was handed to {team}: there is nothing to accept").format(
            name=notice.name, team=notice.team
        ),
        _("its card shows where it is now"),
        card=stale.card,
    )
