"""The answer to "which deal?" (bot.views.which_deal): the button names the command, the
deal and the text, and the command runs as if typed with `#<deal>` first."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.commands import BY_NAME, ParseError, run_command
from bot.core.context import Actor
from bot.core.outcomes import Failure, Outcome
from bot.deals.outcomes import Ticked
from bot.slack import request_log
from bot.slack.listeners.actions import refuse_outsider, reply_in_place, reply_target
from bot.slack.listeners.evidence import ask_evidence, ask_others
from bot.slack.listeners.owner_notices import tell_owners
from bot.slack.runtime import Body, Outsider, Runtime, after_ack, clicked, guarded
from bot.views.ids import ActionId, ChosenDeal
from bot.views.outcomes import outcome_message
from flows.i18n import _

# The commands whose text may begin with a deal's name (bot.deals.naming), and so may ask.
ASKED_BY = frozenset(
    {"tick", "untick", "lose", "nurture", "disqualify", "reopen", "override", "objection"}
)


def register(app: AsyncApp, runtime: Runtime) -> None:
    listener = re.compile(f"^{ActionId.CHOOSE_DEAL}_\\d+$")
    app.action(listener)(guarded(runtime, _acking(runtime)))


def _acking(runtime: Runtime) -> Any:
    async def run(ack: Any, body: Body) -> None:
        await ack()
        click = clicked(body)
        if isinstance(click, Outsider):
            return refuse_outsider(runtime, body)
        if click is None:
            return
        actor, action = click
        work = _on_choice(runtime, body, actor, ChosenDeal.loads(action.get("value")))
        after_ack(runtime, body, work, name="action deal_choose")

    return run


async def _on_choice(runtime: Runtime, body: Body, actor: Actor, chosen: ChosenDeal | None) -> None:
    spec = BY_NAME.get(chosen.command) if chosen and chosen.command in ASKED_BY else None
    # The chosen deal leads the text, as a person would type it: the text is the command's
    # own text and is never read as a deal's name again.
    command = spec.read(f"#{chosen.deal_id} {chosen.text}") if spec and chosen else None
    if command is None or isinstance(command, ParseError):
        outdated = Failure(
            _("this button is out of date or not one of ours"), _("type the command again")
        )
        return await reply_in_place(
            runtime, body, actor, outcome_message(request_log.noted(outdated))
        )
    answer = await run_command(runtime.services, actor, command)
    assert isinstance(answer, Outcome), "the commands that ask answer with an outcome"
    if isinstance(answer, Ticked) and answer.waiting:
        # First, while the click's trigger_id is fresh (3 s): the form for the values.
        await ask_evidence(runtime, body, answer, reply=reply_target(body))
    await reply_in_place(runtime, body, actor, outcome_message(request_log.noted(answer)))
    if isinstance(answer, Ticked) and answer.asks_others:
        await ask_others(runtime, answer, actor)
    tell_owners(runtime, body, actor, answer)
