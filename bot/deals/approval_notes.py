"""What a card says of its approval items (docs/approvals.md): which wait for whom, and
which were rejected and why; and whether ticking an item asks for approval at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Services
from bot.core.outcomes import ApprovalNote
from flows.schema import ExitItem, Stage
from storage import approval_store
from storage.approval_models import ApprovalRequest, ApprovalStatus
from storage.models import Deal


def has_approvals(stage: Stage) -> bool:
    return any(item.approval is not None for item in stage.exit)


def needs_approval(item: ExitItem | None, deal: Deal) -> bool:
    """Whether ticking `item` on `deal` asks for approval (its `when` holds, or it has none).
    A practice deal (onboarding's sandbox) asks no one: an ordinary tick."""
    if item is None or item.approval is None or deal.is_practice:
        return False
    return item.approval.applies(deal.amount)


def approval_notes(requests: Sequence[ApprovalRequest]) -> dict[str, ApprovalNote]:
    """Each item's latest request, if it waits or was rejected (what the card says)."""
    latest = {request.item_id: request for request in requests}  # oldest first
    notes = {}
    for item_id, request in latest.items():
        asked = tuple(filter(None, request.asked.split(",")))
        if request.status == ApprovalStatus.PENDING:
            notes[item_id] = ApprovalNote(request.approver, asked)
        elif request.status == ApprovalStatus.REJECTED:
            notes[item_id] = ApprovalNote(
                request.approver, asked, request.answered_by, request.reason
            )
    return notes


def this_stay(requests: Sequence[ApprovalRequest], deal: Deal) -> list[ApprovalRequest]:
    """The requests asked since the deal last entered its stage: one from an earlier stay
    (lost, then reopened into it) neither waits nor shows on the card."""
    return [r for r in requests if asked_this_stay(r, deal)]


def asked_this_stay(request: ApprovalRequest, deal: Deal) -> bool:
    return _utc(request.requested_at) >= _utc(deal.stage_entered_at)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite reads naive


async def notes_for(services: Services, deal: Deal, stage: Stage) -> dict[str, ApprovalNote]:
    """The card's approval notes, read only for a stage that has approval items."""
    if not has_approvals(stage) or deal.id is None:
        return {}
    async with services.db.quick_read() as session:
        requests = await approval_store.requests_of(session, deal_id=deal.id, stage=stage.id)
    return approval_notes(this_stay(requests, deal))


async def notes_in(session: AsyncSession, deal: Deal, stage: Stage) -> dict[str, ApprovalNote]:
    """The same, read in a transaction the caller holds (a change's)."""
    if not has_approvals(stage) or deal.id is None:
        return {}
    requests = await approval_store.requests_of(session, deal_id=deal.id, stage=stage.id)
    return approval_notes(this_stay(requests, deal))
