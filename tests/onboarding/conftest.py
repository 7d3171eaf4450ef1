"""How a person reads and clicks in the app's DM, where onboarding lives (the real app over
HTTP with the Slack stand-in is the `slack` fixture of tests/support/slack.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.onboarding.questions import Question
from bot.onboarding.quiz import load_questions
from bot.slack_standin import button_action
from bot.slack_standin.workspace import dm_channel
from storage.onboarding_models import OnboardingProgress, QuizAttempt
from tests.support.blockkit import find
from tests.support.harness import Answer, SlackHarness

JsonDict = dict[str, Any]


def dm(slack: SlackHarness, user: str) -> list[JsonDict]:
    """The app's DM with `user`, oldest first."""
    return slack.standin.messages(user)


def last_dm(slack: SlackHarness, user: str) -> JsonDict:
    messages = dm(slack, user)
    assert messages, f"nothing in the DM with {user}"
    return messages[-1]


def current(slack: SlackHarness, user: str, message: JsonDict) -> JsonDict:
    """The message as it is now (the app may have updated it in place)."""
    return next(m for m in dm(slack, user) if m["ts"] == message["ts"])


async def click(
    slack: SlackHarness, user: str, message: JsonDict, action_id: str, *, value: str | None = None
) -> Answer:
    """A button click in a DM message, as Slack sends it: with the message and a response URL."""
    block, element = find(message["blocks"], action_id)
    channel = dm_channel(user)
    url = slack.standin.response_url(channel=channel, user=user, message_ts=message["ts"])
    action = button_action(
        action_id,
        block_id=block["block_id"],
        value=element.get("value", "") if value is None else value,
        text=element["text"]["text"],
    )
    return await slack.action(
        action, user=user, channel_id=channel, message=message, response_url=url
    )


async def progress_of(slack: SlackHarness, user: str) -> OnboardingProgress:
    async with slack.services.db.read() as session:
        query = select(OnboardingProgress).where(OnboardingProgress.user_id == user)
        return (await session.exec(query)).one()


async def attempts_of(slack: SlackHarness, user: str) -> list[QuizAttempt]:
    async with slack.services.db.read() as session:
        query = select(QuizAttempt).where(QuizAttempt.user_id == user)
        return list((await session.exec(query.order_by(col(QuizAttempt.number)))).all())


async def stored_questions(slack: SlackHarness, user: str) -> list[Question]:
    """The questions of the person's latest attempt, as stored with it."""
    return load_questions((await attempts_of(slack, user))[-1].questions)


def answer_button(question: Question, *, right: bool) -> str:
    """The action id of the right choice's button, or of a wrong one."""
    index = (
        question.answer
        if right
        else next(i for i in range(len(question.choices)) if i != question.answer)
    )
    return f"onboard_answer_{index}"
