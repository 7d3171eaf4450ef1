"""The commands that note something: the objection playbook, an objection heard. (Feedback
on the map: bot.commands.feedback.)"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec
from bot.commands.words import deal_and_optional_text, deal_and_text, on_named_deal
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals.notes import record_objection, show_playbook
from flows.i18n import N_


@dataclass(frozen=True, slots=True)
class PlaybookArgs:
    ref: DealRef
    words: str | None  # what the buyer said; None: the playbook of the deal's stage


async def _playbook(services: Services, actor: Actor, args: PlaybookArgs) -> Answer:
    return await show_playbook(services, actor, args.words, ref=args.ref)


PLAYBOOK = CommandSpec(
    "playbook",
    "/deal playbook [words]",
    N_("Objection playbook of the stage, or the best answer to what the buyer said"),
    deal_and_optional_text(PlaybookArgs),
    _playbook,
    ("/deal playbook", "/deal playbook too expensive"),
)


@dataclass(frozen=True, slots=True)
class ObjectionArgs:
    ref: DealRef
    text: str


async def _objection(services: Services, actor: Actor, args: ObjectionArgs) -> Answer:
    return await on_named_deal(
        services,
        actor,
        "objection",
        args.ref,
        args.text,
        lambda ref, text: record_objection(services, actor, text, ref=ref),
    )


OBJECTION = CommandSpec(
    "objection",
    "/deal objection [#deal] <text>",
    N_("Record an objection heard on the deal"),
    deal_and_text(ObjectionArgs, missing=N_("the objection is missing")),
    _objection,
    ("/deal objection we already use a competitor",),
)
