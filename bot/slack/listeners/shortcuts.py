""" "Save as evidence", a message shortcut: the form that picks a deal and an exit item, a
new pick of deal (the form shows that deal's items), and the save.

The shortcut acknowledges at once; its trigger_id lasts 3 seconds, so the form opens after
one look-up of the default deal and one read of the person's deals, while Slack is asked
for the message's permalink at the same time (bot/slack/permalinks.py). The submission
runs the save before it answers: a refusal shows inside the form, beside its field.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.access import outsider_refused
from bot.core.context import Actor
from bot.core.outcomes import Failure, Invalid, NotAllowed, Outcome, Stale
from bot.core.refs import SeenDeal
from bot.deals.message_evidence import SavedMessage, deals_to_pick, message_text, save_message
from bot.deals.outcomes import Ticked
from bot.slack import request_log
from bot.slack.listeners.actions import refuse_outsider
from bot.slack.listeners.evidence import SLACK_REFUSED, ask_others
from bot.slack.listeners.owner_notices import tell_owners
from bot.slack.permalinks import built_permalink, permalink_of
from bot.slack.runtime import (
    Body,
    Outsider,
    Runtime,
    actor_from,
    after_ack,
    clicked,
    guarded,
    mapping,
    text_or_none,
)
from bot.slack.sending import log_failure
from bot.views.ids import BlockId, CallbackId
from bot.views.outcomes import outcome_message
from bot.views.save_evidence import (
    MessageMeta,
    picked_deal,
    read_save_evidence,
    save_evidence_modal,
)
from flows.i18n import _


def register(app: AsyncApp, runtime: Runtime) -> None:
    shortcut = CallbackId.SAVE_AS_EVIDENCE.value
    app.message_shortcut(shortcut)(guarded(runtime, _on_shortcut(runtime)))
    app.action(BlockId.SAVE_DEAL.value)(guarded(runtime, _on_deal_picked(runtime)))
    app.view(shortcut)(guarded(runtime, _on_submit(runtime)))


def _on_shortcut(runtime: Runtime) -> Any:
    async def on_shortcut(ack: Any, body: Body) -> None:
        await ack()
        actor = actor_from(body)
        if isinstance(actor, Outsider):
            return refuse_outsider(runtime, body)
        if actor is not None and actor.channel_id is not None:
            after_ack(runtime, body, _open_form(runtime, body, actor), name="save as evidence")

    return on_shortcut


async def _open_form(runtime: Runtime, body: Body, actor: Actor) -> None:
    message = mapping(body.get("message"))
    channel = str(actor.channel_id)
    ts = text_or_none(body.get("message_ts")) or text_or_none(message.get("ts"))
    if ts is None:
        return request_log.note_refused()  # no message to save: not a shortcut Slack sent
    fallback = built_permalink(
        domain=mapping(body.get("team")).get("domain"), channel=channel, message_ts=ts
    )
    picks, permalink = await asyncio.gather(
        deals_to_pick(runtime.services, actor),
        permalink_of(runtime.client, channel=channel, message_ts=ts, fallback=fallback),
    )
    if permalink is None:
        return request_log.note_refused()
    meta = MessageMeta(
        channel_id=channel,
        message_ts=ts,
        text=message_text(str(message.get("text") or "")),
        permalink=permalink,
        response_url=text_or_none(body.get("response_url")),
    )
    view = save_evidence_modal(picks, picks.card, meta=meta)
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)


def _on_deal_picked(runtime: Runtime) -> Any:
    async def on_pick(ack: Any, body: Body) -> None:
        await ack()
        click = clicked(body)
        view = mapping(body.get("view"))
        meta = MessageMeta.loads(view.get("private_metadata"))
        if isinstance(click, Outsider) or click is None or meta is None:
            return
        actor, action = click
        deal_id = picked_deal(action)
        if deal_id is not None:
            work = _show_deal(runtime, actor, view, meta, deal_id)
            after_ack(runtime, body, work, name="save as evidence: a deal picked")

    return on_pick


async def _show_deal(
    runtime: Runtime, actor: Actor, view: Body, meta: MessageMeta, deal_id: int
) -> None:
    picks = await deals_to_pick(runtime.services, actor, pick=deal_id)
    fresh = save_evidence_modal(picks, picks.card, meta=meta)
    try:
        await runtime.replies.update_modal(
            view_id=str(view.get("id")), view_hash=text_or_none(view.get("hash")), view=fresh
        )
    except SLACK_REFUSED as error:  # closed meanwhile, or picked again (hash_conflict)
        log_failure(error, what=f"the evidence form for deal {deal_id}")


def _on_submit(runtime: Runtime) -> Any:
    async def on_submit(ack: Any, body: Body) -> None:
        view = mapping(body.get("view"))
        meta = MessageMeta.loads(view.get("private_metadata"))
        actor = actor_from(body, channel_id=meta.channel_id if meta else None)
        outcome = await _save(runtime, actor, meta, view)
        request_log.note_outcome(outcome)
        if isinstance(outcome, Failure):
            error = _error_text(outcome)
            await ack(response_action="errors", errors={_block_for(outcome, view): error[:2000]})
            return
        await ack()
        assert isinstance(actor, Actor) and meta is not None  # _save refused anything else
        reply = _reply(runtime, actor, meta, outcome)
        after_ack(runtime, {"response_url": meta.response_url}, reply, name="evidence saved")
        if isinstance(outcome, Ticked) and outcome.asks_others:  # validators and approvers
            after_ack(runtime, {}, ask_others(runtime, outcome, actor), name="ask validators")
        tell_owners(runtime, {}, actor, outcome)

    return on_submit


async def _save(
    runtime: Runtime, actor: Actor | Outsider | None, meta: MessageMeta | None, view: Body
) -> Outcome:
    if isinstance(actor, Outsider):
        return outsider_refused()
    answers = read_save_evidence(mapping(view.get("state")))
    if actor is None or meta is None:
        return Failure(_("this form is out of date"), _("close it and run the shortcut again"))
    if answers.deal_id is None:
        return Invalid(_("no deal was picked"), _("pick the deal the message is about"))
    item = answers.item
    if item is None or item.deal_id != answers.deal_id:
        return Invalid(
            _("no exit item of that deal was picked"),
            _("pick the item the message proves, or another deal"),
            field="item",
        )
    return await save_message(
        runtime.services,
        actor,
        SeenDeal(item.deal_id, item.stage),
        item_id=item.item_id,
        message=SavedMessage(text=meta.text, permalink=meta.permalink),
        replace=answers.replace,
    )


def _error_text(outcome: Failure) -> str:
    if isinstance(outcome, Stale) and outcome.card is not None:  # no card in a form
        return _(
            "{name} moved to {stage} while this form was open, so its items changed. Close "
            "the form and run the shortcut on the message again"
        ).format(name=outcome.card.name, stage=outcome.card.stage.name)
    return f"{outcome.message}. {outcome.hint}" if outcome.hint else outcome.message


def _block_for(outcome: Failure, view: Body) -> str:
    """Beside the item for what is about the item (or its stage: Stale), beside the
    replace box for evidence already there; beside the deal for the rest."""
    inputs = [
        str(b.get("block_id"))
        for b in view.get("blocks") or []
        if isinstance(b, dict) and b.get("type") == "input"
    ]
    field = outcome.field if isinstance(outcome, Invalid) else None
    if field == "replace" and BlockId.SAVE_REPLACE.value in inputs:
        return BlockId.SAVE_REPLACE.value  # beside the box that would let it through
    if field in ("item", "replace") or not isinstance(outcome, Invalid | NotAllowed):
        found = [b for b in inputs if b.startswith(BlockId.SAVE_ITEM_PREFIX)]
        if found:
            return found[0]
    return BlockId.SAVE_DEAL.value if BlockId.SAVE_DEAL.value in inputs else (inputs or [""])[0]


async def _reply(runtime: Runtime, actor: Actor, meta: MessageMeta, outcome: Outcome) -> None:
    """The card beside the message, to the person alone; by DM if the response URL fails."""
    message = outcome_message(outcome)
    url = meta.response_url
    if url and await runtime.replies.to_response_url(url, message, replace=False):
        return
    await runtime.replies.post(channel=actor.user_id, message=message)
