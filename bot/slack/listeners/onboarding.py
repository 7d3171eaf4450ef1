"""Onboarding in Slack: `/deal onboard …`, and the tour, quiz and practice buttons.

`/deal onboard` is parsed and run like every other /deal subcommand (bot.grammar,
bot.commands); this listener only adds what the generic one does not do: the answer is a
Delivery, posted to the person's DM after the acknowledgement, where tour and quiz
messages can then be updated in place (chat.update), which ephemeral ones cannot. It is
registered before the generic /deal listener and the catch-all for unknown buttons.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.commands import HelpRequested, NewDealForm, run_command
from bot.grammar import ParseError, parse
from bot.onboarding.outcomes import Delivery, QuizAnswered
from bot.onboarding.practice import open_practice
from bot.onboarding.quizzing import answer, start_quiz
from bot.onboarding.touring import go_to_step
from bot.slack.listeners.actions import reply_in_place
from bot.slack.listeners.commands import COMMAND
from bot.slack.runtime import Body, Runtime, actor_from, after_ack, guarded, mapping, text_or_none
from bot.usecases.context import Actor
from bot.usecases.outcomes import Failure, Outcome
from bot.views.help import parse_error_message
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.onboarding import AnswerRef, parse_step
from bot.views.outcomes import outcome_message
from flows.i18n import _

log = logging.getLogger(__name__)
Action = dict[str, Any]
Handler = Callable[[Runtime, Body, Actor, Action], Awaitable[None]]


def register(app: AsyncApp, runtime: Runtime) -> None:
    app.command(COMMAND, matchers=[_is_onboard])(guarded(runtime, _on_command(runtime)))
    handlers: dict[str, Handler] = {
        ActionId.TOUR_NEXT: _on_tour,
        ActionId.TOUR_BACK: _on_tour,
        ActionId.QUIZ_START: _on_quiz_start,
        ActionId.PRACTICE: _on_practice,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(guarded(runtime, _acking(runtime, handler)))
    answers = re.compile(rf"^{ActionId.QUIZ_ANSWER}_\d$")
    app.action(answers)(guarded(runtime, _acking(runtime, _on_answer)))


async def _is_onboard(body: Body) -> bool:
    words = str(body.get("text") or "").split()
    return bool(words) and words[0].lower() == "onboard"


def _on_command(runtime: Runtime) -> Callable[[Any, Body], Awaitable[None]]:
    async def on_onboard(ack: Any, body: Body) -> None:
        actor = actor_from(body)
        if actor is None:
            await ack(text=_("This request has no user or workspace; nothing was done."))
            return
        parsed = parse(str(body.get("text") or ""))
        if isinstance(parsed, ParseError):
            await ack(response_type="ephemeral", **parse_error_message(parsed).to_dict())
            return
        answered = await run_command(runtime.services, actor, parsed)
        assert not isinstance(answered, HelpRequested | NewDealForm)  # not from `onboard`
        await ack(response_type="ephemeral", **outcome_message(answered).to_dict())
        if isinstance(answered, Delivery):
            work = _dm(runtime, answered.to_user, outcome_message(answered.content))
            after_ack(runtime, body, work, name="onboarding DM")

    return on_onboard


def _acking(runtime: Runtime, handler: Handler) -> Callable[[Any, Body], Awaitable[None]]:
    async def run(ack: Any, body: Body) -> None:
        await ack()
        actor = actor_from(body)
        actions = body.get("actions")
        action = mapping(actions[0]) if isinstance(actions, list) and actions else {}
        if actor is None or not action:
            return
        work = handler(runtime, body, actor, action)
        after_ack(runtime, body, work, name=f"onboarding {action.get('action_id')}")

    return run


# -- the buttons -----------------------------------------------------------------------------


async def _on_tour(runtime: Runtime, body: Body, actor: Actor, action: Action) -> None:
    step = parse_step(action.get("value"))
    if step is None:
        return await _refuse(runtime, body, actor)
    outcome = await go_to_step(runtime.services, actor, step=step)
    await _answer(runtime, body, actor, outcome, in_place=True)


async def _on_quiz_start(runtime: Runtime, body: Body, actor: Actor, action: Action) -> None:
    outcome = await start_quiz(runtime.services, actor)
    await _answer(runtime, body, actor, outcome, in_place=False)


async def _on_answer(runtime: Runtime, body: Body, actor: Actor, action: Action) -> None:
    ref = AnswerRef.loads(action.get("value"))
    if ref is None:
        return await _refuse(runtime, body, actor)
    outcome = await answer(
        runtime.services, actor, attempt_id=ref.attempt_id, question=ref.question, choice=ref.choice
    )
    await _answer(runtime, body, actor, outcome, in_place=True)
    if isinstance(outcome, QuizAnswered) and outcome.after is not None:
        await _dm(runtime, actor.user_id, outcome_message(outcome.after))


async def _on_practice(runtime: Runtime, body: Body, actor: Actor, action: Action) -> None:
    outcome = await open_practice(runtime.services, actor)
    await _answer(runtime, body, actor, outcome, in_place=False)


# -- where the answer goes -------------------------------------------------------------------


async def _answer(
    runtime: Runtime, body: Body, actor: Actor, outcome: Outcome, *, in_place: bool
) -> None:
    """A failure goes to the clicker privately; the rest replaces the clicked message
    (`in_place`) or follows it in the DM."""
    message = outcome_message(outcome)
    if isinstance(outcome, Failure):
        await reply_in_place(runtime, body, actor, message, replace=False)
    elif in_place:
        await _update(runtime, body, actor, message)
    else:
        await _dm(runtime, actor.user_id, message)


async def _update(runtime: Runtime, body: Body, actor: Actor, message: Message) -> None:
    """chat.update on the message clicked (a normal DM message); an ephemeral one, which
    chat.update cannot find, through its response URL; a deleted one: post anew."""
    container = mapping(body.get("container"))
    channel = text_or_none(container.get("channel_id"))
    ts = text_or_none(container.get("message_ts"))
    if channel is None or ts is None or container.get("is_ephemeral"):
        return await reply_in_place(runtime, body, actor, message)
    try:
        await runtime.replies.update(channel=channel, ts=ts, message=message)
    except SlackApiError as error:
        log.info("could not update the onboarding message (%s); posting it anew", error)
        await _dm(runtime, actor.user_id, message)


async def _dm(runtime: Runtime, user_id: str, message: Message) -> None:
    # chat.postMessage to a user id posts in the app's DM with them.
    await runtime.replies.post(channel=user_id, message=message)


async def _refuse(runtime: Runtime, body: Body, actor: Actor) -> None:
    failure = Failure(
        _("this button is out of date or not one of ours"),
        _("/deal onboard shows where your onboarding stands"),
    )
    await reply_in_place(runtime, body, actor, outcome_message(failure), replace=False)
