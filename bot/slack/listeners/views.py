"""Modal submissions. Bad input is answered inside the modal (`response_action: errors`,
beside the field that was wrong) and changes nothing; success closes the modal and
replaces the card the modal was opened from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.access import outsider_refused
from bot.core.context import Actor, Services
from bot.core.dates import picked_date
from bot.core.outcomes import Failure, Invalid, Outcome
from bot.core.refs import SeenDeal
from bot.deals import moving, reopening
from bot.deals.approving import reject
from bot.deals.creating import create_deal
from bot.deals.editing import edit_deal
from bot.deals.outcomes import Rejected, SentBack, Ticked
from bot.deals.ticking import set_ticks
from bot.deals.validating import send_back
from bot.slack import request_log
from bot.slack.listeners.approvals import tell_requester
from bot.slack.listeners.evidence import ask_others, tell_owner
from bot.slack.listeners.owner_notices import tell_owners
from bot.slack.runtime import Body, Outsider, Runtime, actor_from, after_ack, guarded, mapping
from bot.views.edit_form import read_edit
from bot.views.ids import BlockId, CallbackId, ModalMeta
from bot.views.message import Message
from bot.views.modal_state import BranchAnswers, read_input
from bot.views.modals import read_branch, read_evidence, read_new_deal
from bot.views.outcomes import outcome_message
from flows.i18n import _
from flows.machine import Move

Submit = Callable[[Services, Actor, ModalMeta, dict[str, Any]], Awaitable[Outcome]]

FIELD_BLOCKS = {
    "name": BlockId.NAME,
    "amount": BlockId.AMOUNT,
    "company": BlockId.COMPANY,
    "reason": BlockId.REASON,
    "note": BlockId.NOTE,
    "date": BlockId.DATE,
    "stage": BlockId.STAGE,
    "currency": BlockId.CURRENCY,
}


def _seen(meta: ModalMeta) -> SeenDeal:
    """The deal the form was opened on, and the stage its card showed then."""
    deal = meta.deal
    assert deal is not None, "a form about a deal is refused without one (_submission)"
    return SeenDeal(deal.deal_id, deal.stage)


async def _new_deal(
    services: Services, actor: Actor, meta: ModalMeta, state: dict[str, Any]
) -> Outcome:
    answers = read_new_deal(state)
    return await create_deal(
        services,
        actor,
        name=answers.name,
        amount=answers.amount,
        company=answers.company,
        close=answers.close,
    )


async def _lose(services: Services, actor: Actor, seen: SeenDeal, form: BranchAnswers) -> Outcome:
    return await moving.lose(services, actor, seen, reason=form.reason, note=form.note)


async def _disqualify(
    services: Services, actor: Actor, seen: SeenDeal, form: BranchAnswers
) -> Outcome:
    return await moving.disqualify(services, actor, seen, reason=form.reason)


async def _nurture(
    services: Services, actor: Actor, seen: SeenDeal, form: BranchAnswers
) -> Outcome:
    return await moving.nurture(services, actor, seen, until=picked_date(form.date))


async def _reopen(services: Services, actor: Actor, seen: SeenDeal, form: BranchAnswers) -> Outcome:
    return await reopening.reopen(services, actor, seen, stage=form.stage)


async def _override(
    services: Services, actor: Actor, seen: SeenDeal, form: BranchAnswers
) -> Outcome:
    return await moving.override(services, actor, seen, reason=form.reason)


BranchMove = Callable[[Services, Actor, SeenDeal, BranchAnswers], Awaitable[Outcome]]
BRANCH_MOVES: dict[Move, BranchMove] = {
    Move.LOSE: _lose,
    Move.DISQUALIFY: _disqualify,
    Move.NURTURE: _nurture,
    Move.REOPEN: _reopen,
    Move.OVERRIDE: _override,
}


def _branch(move: Move) -> Submit:
    async def submit(
        services: Services, actor: Actor, meta: ModalMeta, state: dict[str, Any]
    ) -> Outcome:
        return await BRANCH_MOVES[move](services, actor, _seen(meta), read_branch(state, move))

    return submit


async def _evidence(
    services: Services, actor: Actor, meta: ModalMeta, state: dict[str, Any]
) -> Outcome:
    values = {
        item: value for item, value in read_evidence(state).items() if value and value.strip()
    }
    if not values:  # blanks only (spaces pass Slack's own check of a required field)
        return Invalid(_("nothing was filled in"), _("give a value, or close the form with Cancel"))
    return await set_ticks(services, actor, _seen(meta), evidence=values)


async def _edit(
    services: Services, actor: Actor, meta: ModalMeta, state: dict[str, Any]
) -> Outcome:
    return await edit_deal(services, actor, _seen(meta), read_edit(state))


async def _send_back(
    services: Services, actor: Actor, meta: ModalMeta, state: dict[str, Any]
) -> Outcome:
    if meta.item is None:
        return Invalid(_("this form is out of date"), _("close it and click Send back again"))
    reason = read_input(state, BlockId.REASON)
    return await send_back(services, actor, _seen(meta), meta.item, reason=reason, seen=meta.seen)


async def _reject(
    services: Services, actor: Actor, meta: ModalMeta, state: dict[str, Any]
) -> Outcome:
    request = meta.item or ""
    if not (request.isascii() and request.isdigit() and len(request) <= 15):
        return Invalid(_("this form is out of date"), _("close it and click Reject again"))
    reason = read_input(state, BlockId.REASON)
    where = meta.reply.channel_id
    return await reject(services, actor, int(request), reason=reason, where=where)


SUBMITS: dict[CallbackId, tuple[Submit, bool]] = {  # (handler, needs a deal in the metadata)
    CallbackId.NEW_DEAL: (_new_deal, False),
    CallbackId.LOSE: (_branch(Move.LOSE), True),
    CallbackId.DISQUALIFY: (_branch(Move.DISQUALIFY), True),
    CallbackId.NURTURE: (_branch(Move.NURTURE), True),
    CallbackId.REOPEN: (_branch(Move.REOPEN), True),
    CallbackId.OVERRIDE: (_branch(Move.OVERRIDE), True),
    CallbackId.EVIDENCE: (_evidence, True),
    CallbackId.SEND_BACK: (_send_back, True),
    CallbackId.EDIT: (_edit, True),
    CallbackId.REJECT: (_reject, True),
}


def register(app: AsyncApp, runtime: Runtime) -> None:
    for callback_id, (submit, needs_deal) in SUBMITS.items():
        app.view(callback_id.value)(
            guarded(runtime, _submission(runtime, submit, needs_deal=needs_deal))
        )


def _submission(runtime: Runtime, submit: Submit, *, needs_deal: bool) -> Any:
    async def on_submit(ack: Any, body: Body) -> None:
        view = mapping(body.get("view"))
        meta = ModalMeta.loads(view.get("private_metadata"))
        actor = actor_from(body, channel_id=meta.reply.channel_id if meta else None)
        state = mapping(view.get("state")).get("values")
        if isinstance(actor, Outsider):
            refusal = _error_text(request_log.noted(outsider_refused()))
            await ack(response_action="errors", errors={_first_input(view): refusal})
            return
        if (
            meta is None
            or actor is None
            or (needs_deal and meta.deal is None)
            or not isinstance(state, dict)
        ):
            request_log.note_refused()
            await ack(
                response_action="errors",
                errors={_first_input(view): _("this form is out of date; close it and try again")},
            )
            return
        outcome = await submit(runtime.services, actor, meta, state)
        request_log.note_outcome(outcome)
        if isinstance(outcome, Failure):
            await ack(
                response_action="errors", errors={_block_for(outcome, view): _error_text(outcome)}
            )
            return
        await ack()
        where = {"response_url": meta.reply.response_url}
        after_ack(
            runtime,
            where,
            _reply(runtime, actor, meta, outcome_message(outcome)),
            name="modal reply",
        )
        _follow_up(runtime, where, actor, outcome)

    return on_submit


def _follow_up(runtime: Runtime, where: Body, actor: Actor, outcome: Outcome) -> None:
    """Who else hears of it: the validators of what was ticked; the owner of what was
    sent back (in their DM: what is missing), and of any other change someone else made."""
    if isinstance(outcome, Ticked) and outcome.asks_others:
        after_ack(runtime, where, ask_others(runtime, outcome, actor), name="ask validators")
    if isinstance(outcome, Rejected):
        after_ack(runtime, where, tell_requester(runtime, outcome, actor), name="tell requester")
    if isinstance(outcome, SentBack):
        after_ack(runtime, where, tell_owner(runtime, outcome, actor), name="tell the owner")
    tell_owners(runtime, where, actor, outcome)


async def _reply(runtime: Runtime, actor: Actor, meta: ModalMeta, message: Message) -> None:
    replace = meta.deal is not None  # a branch replaces its card; a new deal adds one
    if await runtime.replies.to_response_url(meta.reply.response_url, message, replace=replace):
        return
    await runtime.replies.post(
        channel=meta.reply.channel_id or actor.user_id,
        message=message,
        user=actor.user_id if meta.reply.channel_id else None,
    )


def _block_ids(view: dict[str, Any]) -> list[str]:
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return []
    return [
        b["block_id"]
        for b in blocks
        if isinstance(b, dict) and b.get("type") == "input" and isinstance(b.get("block_id"), str)
    ]


def _first_input(view: dict[str, Any]) -> str:
    ids = _block_ids(view)
    return ids[0] if ids else BlockId.REASON.value


def _block_for(outcome: Failure, view: dict[str, Any]) -> str:
    field = outcome.field if isinstance(outcome, Invalid) else None
    wanted = None
    if field and field.startswith("evidence:"):
        wanted = BlockId.EVIDENCE_PREFIX.value + field.partition(":")[2]
    elif field in FIELD_BLOCKS:
        wanted = FIELD_BLOCKS[field].value
    ids = _block_ids(view)
    return wanted if wanted in ids else _first_input(view)


def _error_text(outcome: Failure) -> str:
    text = f"{outcome.message}. {outcome.hint}" if outcome.hint else outcome.message
    return text[:2000]
