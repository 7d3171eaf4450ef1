"""`/deal webhook add URL [events] · list · remove <id>`: the workspace's webhooks (admins;
bot.webhooks.endpoints checks the URL and the events)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.aliases import WEBHOOK_ACTIONS, in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.deals.stage_events import StageEvent
from bot.webhooks.endpoints import EXAMPLE, add_webhook, list_webhooks, remove_webhook
from flows.i18n import N_, _

_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class WebhookListArgs:
    pass


@dataclass(frozen=True, slots=True)
class WebhookAddArgs:
    url: str
    events: tuple[str, ...] = ()  # as typed; none: every stage event


@dataclass(frozen=True, slots=True)
class WebhookRemoveArgs:
    endpoint_id: int


WebhookArgs = WebhookListArgs | WebhookAddArgs | WebhookRemoveArgs


def _parse(rest: str) -> WebhookArgs | Refused:
    typed, *words = rest.split() or [""]
    action = in_english(typed, WEBHOOK_ACTIONS)  # `liste`, `ekle`, `kaldır` too
    if action == "add" and words:  # a URL may hold commas; the events after it
        events = [word for word in _SEPARATORS.split(" ".join(words[1:])) if word]
        return WebhookAddArgs(words[0].strip("<>"), tuple(events))
    match action.lower():
        case "list" if not words:
            return WebhookListArgs()
        case "list":
            return Refused(_("list takes nothing after it"), _("write /deal webhook list"))
        case "add":
            return Refused(_("add needs the URL to send events to"), _("e.g. {example}").format(example=EXAMPLE))  # fmt: skip
        case "remove" if len(words) == 1 and words[0].lstrip("#").isdigit():
            return WebhookRemoveArgs(int(words[0].lstrip("#")))
        case "remove":
            return Refused(
                _("remove takes one webhook number"),
                _("/deal webhook list shows them; e.g. /deal webhook remove 2"),
            )
    return Refused(
        _("'{word}' is not a webhook action").format(word=typed)
        if action
        else _("webhook needs an action"),  # fmt: skip
        _("write add, list or remove"),
    )


async def _webhook(services: Services, actor: Actor, args: WebhookArgs) -> Answer:
    if isinstance(args, WebhookListArgs):
        return await list_webhooks(services, actor)
    if isinstance(args, WebhookRemoveArgs):
        return await remove_webhook(services, actor, endpoint_id=args.endpoint_id)
    return await add_webhook(services, actor, url=args.url, events=args.events)


WEBHOOK: CommandSpec[WebhookArgs] = CommandSpec(
    "webhook",
    "/deal webhook add URL [events] · list · remove <id>",
    N_("Admins: send the workspace's stage events, signed, to a URL (a CRM, commissions)"),
    _parse,
    _webhook,
    (EXAMPLE, "/deal webhook list", "/deal webhook remove 2"),
    group="admin",
    details=N_(
        "Events: {kinds}; none named, or all, means every one. The URL must be https "
        "(plain http only for 127.0.0.1 and localhost, with STAGECOACH_WEBHOOK_ALLOW_PRIVATE "
        "on, for tests). Each webhook gets a "
        "signing secret of its own, shown once, when it is added: keep it where the "
        "receiver checks signatures. list shows how each webhook's deliveries stand; "
        "stagecoach webhooks failed lists the dead letters. docs/webhooks.md has the "
        "payload and how to check a signature."
    ),
    details_values=(("kinds", ", ".join(f"`{kind.value}`" for kind in StageEvent)),),
)
