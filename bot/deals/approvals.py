"""Asking for approval (`approval:` on an exit item, docs/approvals.md). Ticking such an
item, when its `when` holds for the deal, does not tick it: it records a request and the
adapter sends it to the approvers; only their Approve ticks it (bot.deals.approving).
Unticking an item that waits withdraws its request. Everything here runs inside the
tick's change (bot.deals.writes), under the deal's lock."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.access import admins_of, validators_of
from bot.core.outcomes import Invalid
from bot.deals.approval_notes import has_approvals, needs_approval, this_stay
from bot.deals.outcomes import ApprovalAsked
from bot.deals.writes import Change
from flows.approval_rules import Approver, ApproverKind
from flows.i18n import _
from flows.schema import Stage
from storage import approval_store
from storage.approval_models import ApprovalRequest, ApprovalStatus
from storage.models import EventKind


async def requests_in(change: Change, stage: Stage) -> list[ApprovalRequest]:
    """The deal's requests in `stage`, read under the lock (none read without approval items)."""
    if not has_approvals(stage):
        return []
    assert change.deal.id is not None
    found = await approval_store.requests_of(
        change.held.session, deal_id=change.deal.id, stage=stage.id
    )
    return this_stay(found, change.deal)


def pending_items(requests: list[ApprovalRequest]) -> set[str]:
    """The items whose request still waits for an answer."""
    return {r.item_id for r in requests if r.status == ApprovalStatus.PENDING}


@dataclass(slots=True)
class Diverted:
    """What became of the items a tick wrote that ask for approval."""

    asked: list[ApprovalAsked] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)  # already waiting: asked no one again
    withdrawn: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # not to be ticked now


async def divert(
    change: Change,
    stage: Stage,
    requests: list[ApprovalRequest],
    *,
    writing: list[str],
    dropped: set[str],
    values: dict[str, str],
) -> Diverted | Invalid:
    """Turn the items `writing` would tick that need approval into requests, and withdraw
    the waiting requests of `dropped` items (unticked, or left out of a selection)."""
    waiting = {r.item_id: r for r in requests if r.status == ApprovalStatus.PENDING}
    to_ask = [
        i
        for i in writing
        if needs_approval(stage.item(i), change.deal) and (i in dropped or i not in waiting)
    ]
    recipients = {i: await _recipients(change, _approver(stage, i)) for i in to_ask}
    for item_id, (asked, could) in recipients.items():
        if not asked:  # refused before anything is written: the request would wait forever
            return _no_one_to_ask(stage, item_id, could)
    diverted = Diverted()
    for item_id in [i for i in waiting if i in dropped]:
        await _withdraw(change, stage, waiting.pop(item_id))
        diverted.withdrawn.append(item_id)
    for item_id in writing:
        if not needs_approval(stage.item(item_id), change.deal):
            continue
        diverted.taken.add(item_id)
        if item_id in waiting:
            diverted.waits.append(item_id)
        else:
            who = recipients[item_id][0]
            diverted.asked.append(await _ask(change, stage, item_id, who, values.get(item_id)))
    if diverted.asked or diverted.withdrawn:
        await change.save()
    return diverted


async def _withdraw(change: Change, stage: Stage, request: ApprovalRequest) -> None:
    assert request.id is not None
    await approval_store.close_request(
        change.held.session,
        request_id=request.id,
        status=ApprovalStatus.WITHDRAWN,
        by=change.actor.user_id,
        at=change.services.clock(),
    )
    change.event(
        EventKind.WITHDRAWN, from_stage=stage.id, item_id=request.item_id, value=str(request.id)
    )


def _approver(stage: Stage, item_id: str) -> Approver:
    item = stage.item(item_id)
    assert item is not None and item.approval is not None
    return item.approval.approver


async def _ask(
    change: Change, stage: Stage, item_id: str, asked: tuple[str, ...], evidence: str | None
) -> ApprovalAsked:
    approver = _approver(stage, item_id)
    assert change.deal.id is not None
    await approval_store.close_pending(  # one left from an earlier stay in this stage
        change.held.session,
        deal_id=change.deal.id,
        stage=stage.id,
        item_id=item_id,
        by=change.actor.user_id,
        at=change.services.clock(),
    )
    request = await approval_store.add_request(
        change.held.session,
        ApprovalRequest(
            team_id=change.deal.team_id,
            deal_id=change.deal.id,
            stage=stage.id,
            item_id=item_id,
            approver=approver.written,
            asked=",".join(asked),
            requested_by=change.actor.user_id,
            requested_at=change.services.clock(),
            evidence=evidence,
        ),
    )
    assert request.id is not None
    change.event(
        EventKind.APPROVAL_ASKED,
        from_stage=stage.id,
        item_id=item_id,
        value=str(request.id),
        reason=approver.written,
    )
    channel = approver.kind is ApproverKind.CHANNEL
    return ApprovalAsked(
        request.id, item_id, approver.written, asked, channel, change.actor.user_id, evidence
    )


async def _recipients(
    change: Change, approver: Approver
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who is sent the request, and who could approve it at all. Never its requester (no
    one approves their own request), nor the deal's owner; a manager who asks is replaced
    by the admins. No one sent it: refused (`_no_one_to_ask`)."""
    unable = {change.actor.user_id, change.deal.owner_id}
    if approver.target is not None:  # a person or a channel, as the map names them
        could: tuple[tuple[str, ...], ...] = ((approver.target,),)
    else:
        session, services, deal = change.held.session, change.services, change.deal
        admins = await admins_of(session, services, team_id=deal.team_id)
        could = (admins,)
        if approver.kind is ApproverKind.MANAGER:
            managers = await validators_of(
                session, services, team_id=deal.team_id, owner_id=deal.owner_id
            )
            could = (tuple(managers), admins)
    tiers = [tuple(u for u in tier if u not in unable) for tier in could]
    everyone = tuple(dict.fromkeys(u for tier in could for u in tier))
    return next((tier for tier in tiers if tier), ()), everyone


def _no_one_to_ask(stage: Stage, item_id: str, could: tuple[str, ...]) -> Invalid:
    item = stage.item(item_id)
    people = ", ".join(f"<@{u}>" for u in could) or _("an admin, and there is none")
    return Invalid(
        _(
            "no one can be asked to approve '{item}': only {people} could, and no one "
            "approves their own request or a deal they own"
        ).format(item=item.text if item else item_id, people=people),
        _(
            "ask an admin to make another person an admin (/deal role @dana admin) or to "
            "change the approver in the map, or a manager to advance by override "
            "(/deal override <reason>)"
        ),
        field="item",
    )
