"""`/deal webhook add | list | remove` answers: the workspace's webhooks and how their
deliveries stand; the signing secret, once, when one is added."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.views.blocks import context, section
from bot.views.counts import counted
from bot.views.message import Message
from bot.views.mrkdwn import bold, escape, mention
from bot.views.plain import from_mrkdwn
from bot.webhooks.outcomes import EndpointLine, WebhookAdded, WebhookList, WebhookRemoved
from flows.i18n import _

MAX_SHOWN = 20  # a workspace has at most 20 (bot.webhooks.endpoints.MAX_ENDPOINTS)


def webhook_added_message(added: WebhookAdded) -> Message:
    line = added.endpoint
    said = ":white_check_mark: " + _("Webhook {id} will get {events} at {url}.").format(
        id=line.endpoint_id, events=_events(line), url=f"`{escape(line.url)}`"
    )
    secret = _("Its signing secret, shown this once: {secret}").format(secret=f"`{added.secret}`")
    hint = _(
        "Check X-Stagecoach-Signature with it on every delivery (docs/webhooks.md); "
        "dedupe by Idempotency-Key: an event may come more than once."
    )
    blocks: list[Block] = [section(said), section(secret), context(escape(hint))]
    return Message(text=from_mrkdwn(f"{said}\n{secret}"), blocks=blocks)


def webhook_list_message(listing: WebhookList) -> Message:
    if not listing.endpoints:
        empty = _("This workspace sends no webhooks yet.")
        hint = _("Add one: /deal webhook add https://crm.example.com/hooks won,lost")
        return Message(text=empty, blocks=[section(empty), context(escape(hint))])
    blocks: list[Block] = [section(bold(_("Webhooks of this workspace")))]
    blocks += [section(endpoint_line(line)) for line in listing.endpoints[:MAX_SHOWN]]
    blocks.append(context(escape(_("Dead letters: stagecoach webhooks failed; send them again: stagecoach webhooks retry"))))  # fmt: skip
    return Message(
        text=counted(len(listing.endpoints), "{count} webhook", "{count} webhooks"), blocks=blocks
    )


def webhook_removed_message(removed: WebhookRemoved) -> Message:
    said = ":white_check_mark: " + _(
        "Webhook {id} ({url}) is removed: it gets no more events."
    ).format(  # fmt: skip
        id=removed.endpoint.endpoint_id, url=f"`{escape(removed.endpoint.url)}`"
    )
    return Message(text=from_mrkdwn(said), blocks=[section(said)])


def endpoint_line(line: EndpointLine) -> str:
    head = f"*{line.endpoint_id}* · `{escape(line.url)}` · {_events(line)} · " + _("added by {who}").format(who=mention(line.created_by))  # fmt: skip
    return f"{head}\n{_state(line)}"


def _events(line: EndpointLine) -> str:
    return ", ".join(line.events)


def _state(line: EndpointLine) -> str:
    if line.last_status is None:
        last = _("nothing delivered yet")
    elif line.last_status == "delivered":
        last = _("last delivery: delivered {when}").format(when=_when(line))
    else:
        last = _("last delivery: failed for good {when} ({error})").format(
            when=_when(line), error=escape(line.last_error or "?")
        )
    parts = [last]
    if line.waiting:
        parts.append(counted(line.waiting, "{count} event waiting", "{count} events waiting"))
    if line.dead:
        parts.append(":warning: " + counted(line.dead, "{count} dead letter", "{count} dead letters"))  # fmt: skip
    return " · ".join(parts)


def _when(line: EndpointLine) -> str:
    return line.last_at.strftime("%Y-%m-%d %H:%M UTC") if line.last_at else ""
