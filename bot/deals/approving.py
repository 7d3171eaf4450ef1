"""Answering an approval request (docs/approvals.md): Approve ticks the item, by its
requester, through the one change path; Reject keeps it unticked and says why on the
card. A button names only the request; the deal, the item, the approver and whether it
still waits are read from the database, under the deal's lock, so a forged, repeated or
late answer changes nothing and says why.

Who may answer: never the requester or the deal's owner (no one approves their own
request); for `manager`, the owner's manager or an admin; for `admin`, an admin; for
`@U…`, that person; for `#C…`, whoever clicks the request in that channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import is_admin_or_manager_of, role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import (
    DealCard,
    Failure,
    Invalid,
    NotAllowed,
    NotFound,
    Outcome,
    Stale,
)
from bot.core.refs import SeenDeal
from bot.core.values import BadValue, clean_reason
from bot.deals.approval_notes import asked_this_stay
from bot.deals.outcomes import Approved, Rejected, Shown
from bot.deals.writes import Change, Permission, change_deal
from flows.approval_rules import ApproverKind, parse_approver
from flows.i18n import _
from storage import approval_store
from storage.approval_models import ApprovalRequest, ApprovalStatus
from storage.models import Deal, EventKind, ExitTick, Role


async def approve(
    services: Services, actor: Actor, request_id: int, *, where: str | None = None
) -> Outcome:
    """`where`: the channel the click came from (Slack's payload says it, not the button)."""
    return await _answer(services, actor, request_id, where, reason=None)


async def reject(
    services: Services,
    actor: Actor,
    request_id: int,
    *,
    reason: str | None,
    where: str | None = None,
) -> Outcome:
    why = clean_reason(reason, what=_("reason for the rejection"))
    if isinstance(why, BadValue):
        return Invalid(why.message, why.hint, field="reason")
    return await _answer(services, actor, request_id, where, reason=why)


@dataclass(frozen=True, slots=True)
class RejectForm:
    """What the reason form is built on: the card, and the item the request is about."""

    card: DealCard
    item_id: str


async def to_reject(
    services: Services, actor: Actor, request_id: int, *, where: str | None = None
) -> RejectForm | Outcome:
    """The form to reject a request on, or why it would be refused: asked at the click,
    before the form opens. Writes nothing."""
    request = await _request(services, actor, request_id)
    if isinstance(request, Failure):
        return request

    async def apply(change: Change) -> Outcome:
        found = await _waiting(change, request_id)
        return found if isinstance(found, Failure) else Shown(card=await change.card())

    seen = SeenDeal(request.deal_id, request.stage)
    shown = await change_deal(services, actor, seen, apply, permission=_may_answer(request, where))
    return RejectForm(shown.card, request.item_id) if isinstance(shown, Shown) else shown


async def _answer(
    services: Services, actor: Actor, request_id: int, where: str | None, *, reason: str | None
) -> Outcome:
    request = await _request(services, actor, request_id)
    if isinstance(request, Failure):
        return request

    async def apply(change: Change) -> Outcome:
        found = await _waiting(change, request_id)
        if isinstance(found, Failure):
            return found
        status = ApprovalStatus.APPROVED if reason is None else ApprovalStatus.REJECTED
        await approval_store.close_request(
            change.held.session,
            request_id=request_id,
            status=status,
            by=change.actor.user_id,
            at=change.services.clock(),
            reason=reason,
        )
        return await (_ticked(change, found) if reason is None else _refused(change, found, reason))

    seen = SeenDeal(request.deal_id, request.stage)
    return await change_deal(services, actor, seen, apply, permission=_may_answer(request, where))


async def _ticked(change: Change, request: ApprovalRequest) -> Outcome:
    """The tick the request asked for, by its requester, with its value; and the answer."""
    assert request.id is not None and change.deal.id is not None
    stage, at = request.stage, change.services.clock()
    if all(t.item_id != request.item_id for t in change.ticks):
        tick = ExitTick(
            team_id=change.deal.team_id,
            deal_id=change.deal.id,
            stage=stage,
            item_id=request.item_id,
            ticked_by=request.requested_by,
            ticked_at=at,
            evidence=request.evidence,
        )
        await change.held.add_ticks([tick])
        change.event(
            EventKind.TICKED,
            from_stage=stage,
            item_id=request.item_id,
            value=request.evidence,
            actor_id=request.requested_by,  # who ticked it; the approval is the next event
        )
    change.event(
        EventKind.APPROVED, from_stage=stage, item_id=request.item_id, value=str(request.id)
    )
    await change.save()
    return Approved(await change.card(), request.item_id, request.id, request.requested_by)


async def _refused(change: Change, request: ApprovalRequest, reason: str) -> Outcome:
    assert request.id is not None
    change.event(
        EventKind.REJECTED,
        from_stage=request.stage,
        item_id=request.item_id,
        value=str(request.id),
        reason=reason,
    )
    await change.save()
    card = await change.card()
    return Rejected(card, request.item_id, request.id, request.requested_by, reason)


async def _request(services: Services, actor: Actor, request_id: int) -> ApprovalRequest | Failure:
    async with services.db.read() as session:
        found = await approval_store.request_by_id(
            session, team_id=actor.team_id, request_id=request_id
        )
    if found is None:
        return NotFound(
            _("there is no approval request {id} in this workspace").format(id=request_id),
            _("use the buttons of the request you were sent, or /deal show for the card"),
        )
    return found


async def _waiting(change: Change, request_id: int) -> ApprovalRequest | Failure:
    """The request as it is now, under the deal's lock, if it still waits for an answer."""
    found = await approval_store.request_by_id(
        change.held.session, team_id=change.actor.team_id, request_id=request_id
    )
    if found is None or found.deal_id != change.deal.id:
        return NotFound(_("that approval request is gone"), _("run /deal show for the card"))
    if found.status == ApprovalStatus.PENDING:
        return found if asked_this_stay(found, change.deal) else await _left(change)
    said = {
        ApprovalStatus.APPROVED: _("it was already approved by <@{by}>"),
        ApprovalStatus.REJECTED: _("it was already rejected by <@{by}>"),
        ApprovalStatus.WITHDRAWN: _("<@{by}> withdrew it"),
    }[ApprovalStatus(found.status)]
    return Invalid(
        _("this approval request waits no more: {said}").format(
            said=said.format(by=found.answered_by)
        ),
        _("nothing changed; run /deal show for the card"),
    )


async def _left(change: Change) -> Stale:
    """A request from an earlier stay in this stage (lost, then reopened into it): what it
    asked was for a stage the deal has left since, as a request for another stage is."""
    card = await change.card()
    return Stale(
        _("{name} left {stage} after this approval was asked, and came back").format(
            name=change.deal.name, stage=card.stage.name
        ),
        _("nothing changed; the rep ticks the item again if it still applies"),
        card=card,
    )


def _may_answer(request: ApprovalRequest, where: str | None) -> Permission:
    async def permission(
        session: AsyncSession, services: Services, actor: Actor, deal: Deal
    ) -> NotAllowed | None:
        if actor.user_id in (request.requested_by, deal.owner_id):
            return NotAllowed(
                _("no one approves their own request or their own deal"),
                _("the approver named on the request answers it: {who}").format(
                    who=_named(request.approver)
                ),
            )
        if await _allowed(session, services, actor, deal, request.approver, where):
            return None
        return NotAllowed(
            _("only {who} can answer this approval request").format(who=_named(request.approver)),
            _("nothing changed; ask them to answer it"),
        )

    return permission


async def _allowed(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    deal: Deal,
    approver: str,
    where: str | None,
) -> bool:
    wanted = parse_approver(approver)
    if wanted.kind is ApproverKind.PERSON:
        return actor.user_id == wanted.target
    if wanted.kind is ApproverKind.CHANNEL:
        return where is not None and where == wanted.target
    if wanted.kind is ApproverKind.ADMIN:
        return await role_of(session, services, actor) is Role.ADMIN
    return await is_admin_or_manager_of(session, services, actor, user_id=deal.owner_id)


def _named(approver: str) -> str:
    """The approver as a person reads it: a mention, a channel link, or the role."""
    wanted = parse_approver(approver)
    if wanted.kind is ApproverKind.PERSON:
        return f"<@{wanted.target}>"
    if wanted.kind is ApproverKind.CHANNEL:
        return _("someone in <#{channel}>").format(channel=wanted.target)
    if wanted.kind is ApproverKind.ADMIN:
        return _("an admin")
    return _("the owner's manager or an admin")
