"""Onboarding in Slack: `/deal onboard …`, and the tour, quiz and practice buttons.

`/deal onboard` is parsed and run like every other /deal subcommand by the generic
listener, which posts its Delivery to the person's DM after the acknowledgement; there
tour and quiz messages can be updated in place (chat.update), which ephemeral ones
cannot. The buttons are registered before the catch-all for unknown buttons.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.core.context import Actor
from bot.core.outcomes import Failure, Outcome
from bot.onboarding.outcomes import QuizAnswered
from bot.onboarding.practice import open_practice
from bot.onboarding.quizzing import answer, start_quiz
from bot.onboarding.touring import go_to_step
from bot.slack import request_log
from bot.slack.listeners.actions import refuse_outsider, reply_in_place
from bot.slack.runtime import (
    Body,
    Outsider,
    Runtime,
    actor_from,
    after_ack,
    guarded,
    mapping,
    text_or_none,
)
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.onboarding import AnswerRef, parse_step
from bot.views.outcomes import outcome_message
from flows.i18n import _

log = logging.getLogger(__name__)
Action = dict[str, Any]
Handler = Callable[[Runtime, Body, Actor, Action], Awaitable[None]]


def register(app: AsyncApp, runtime: Runtime) -> None:
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


def _acking(runtime: Runtime, handler: Handler) -> Callable[[Any, Body], Awaitable[None]]:
    async def run(ack: Any, body: Body) -> None:
        await ack()
        actor = actor_from(body)
        if isinstance(actor, Outsider):
            return refuse_outsider(runtime, body)
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
    await reply_in_place(
        runtime, body, actor, outcome_message(request_log.noted(failure)), replace=False
    )
