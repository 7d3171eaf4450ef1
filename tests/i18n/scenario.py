"""A rep's, a manager's and an admin's week in Slack, as people type and click it, for the
language tests: every command a rep and a manager use (bad inputs too), the card's buttons
and checklist, the evidence form, the tour and the quiz, App Home and a digest. Returns
the acknowledgements; everything else the app sent is in the stand-in's record."""

from __future__ import annotations

from typing import Any

from bot.slack_standin import app_home_opened_event, button_action, checkboxes_action, option
from bot.slack_standin.payloads import event_callback
from bot.views.ids import ActionId, CallbackId
from tests.onboarding.conftest import click, current, last_dm
from tests.support.blockkit import find, has
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, click_from, latest_card

PEOPLE = (REP, MANAGER, ADMIN)

ADMIN_SETUP = (
    f"role <@{MANAGER}> manager",
    f"team <@{MANAGER}> add <@{REP}>",
    "role",
    "team",
    "settings",
    "owners",
)
REP_DAY = (
    "help",
    "help advance",
    "new Acme Corp 50k close 2027-03-31",
    "show",
    "advance",  # refused: what is missing
    "tick 1",
    "untick 1",
    "playbook price",
    "playbook",
    "objection the price is too high",
    "edit amount 60k",
    "history",
    "list",
    "list all by amount",
    "new Globex 20k",
    "nurture #2 2027-02-01",
    "reopen #2",
    "lose #2 budget cut",
    "new Initech 5k",
    "disqualify #3 no budget at all",
    "feedback the demo stage needs a security review item",
    "feedback list",
    "map",
    "onboard status",
)
BAD_INPUTS = (
    "frobnicate",
    "new",
    "tick 99",
    "show no such deal",
    "edit amount banana",
    "nurture #1 someday",
    "stats 17 parsecs",
)
MANAGER_WEEK = (
    "stats",
    "stats 90d",
    "plan 100k quarter",
    "list team",
    "override #1 the buyer signed early",
    "digest subscribe <#C0GENERAL|general> daily 09:00 team",
    "digest list",
    "digest preview daily team",
)


async def a_week(slack: SlackHarness) -> list[Any]:
    answers: list[Any] = []

    async def say(text: str, user: str = REP) -> None:
        answer = await slack.command(text, user=user)
        assert answer.status == 200, (text, answer.status)
        answers.append(answer.body)

    for line in ADMIN_SETUP:
        await say(line, ADMIN)
    for line in (*REP_DAY, *BAD_INPUTS):
        await say(line)
    await _clicks_on_the_card(slack, answers)
    for line in MANAGER_WEEK:
        await say(line, MANAGER)
    await _tour_and_quiz(slack, answers)
    await slack.event(event_callback(app_home_opened_event(REP), team_id=slack.team_id))
    await slack.event(event_callback(app_home_opened_event(MANAGER), team_id=slack.team_id))
    return answers


async def _clicks_on_the_card(slack: SlackHarness, answers: list[Any]) -> None:
    """The card's checklist ticked with a click (the evidence form opens and is filled),
    then its Advance button."""
    await slack.command("show #1", user=REP)
    card = latest_card(slack, REP)
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    every = [option(o["value"], o["text"]["text"]) for o in checklist["options"]]
    await slack.action(
        checkboxes_action(ActionId.EXIT_ITEMS, block_id=block["block_id"], selected_options=every),
        user=REP,
        **click_from(slack, card, REP),
    )
    if slack.standin.calls("views.open"):
        modal = slack.standin.last("views.open").args["view"]
        values = {
            b["block_id"]: {b["block_id"]: {"type": "plain_text_input", "value": "50k budget"}}
            for b in modal["blocks"]
            if b.get("type") == "input"
        }
        answer = await slack.submit(
            CallbackId.EVIDENCE, modal["private_metadata"], values, user=REP
        )
        answers.append(answer.body)
    card = latest_card(slack, REP)
    if has(card["blocks"], ActionId.ADVANCE):
        block, advance = find(card["blocks"], ActionId.ADVANCE)
        await slack.action(
            button_action(ActionId.ADVANCE, block_id=block["block_id"], value=advance["value"]),
            user=REP,
            **click_from(slack, card, REP),
        )


async def _tour_and_quiz(slack: SlackHarness, answers: list[Any]) -> None:
    """A new hire's tour, stage by stage, then the quiz's first questions."""
    answer = await slack.command("onboard", user=REP)
    answers.append(answer.body)
    message = last_dm(slack, REP)
    for _step in range(len(slack.services.catalog.current.stages)):  # the last is Finish
        if not has(current(slack, REP, message)["blocks"], ActionId.TOUR_NEXT):
            break
        await click(slack, REP, current(slack, REP, message), ActionId.TOUR_NEXT)
    now = current(slack, REP, message)
    if has(now["blocks"], ActionId.QUIZ_START):
        await click(slack, REP, now, ActionId.QUIZ_START)
        for _question in range(3):  # the first choice each time: right or wrong
            quiz = last_dm(slack, REP)
            first = f"{ActionId.QUIZ_ANSWER}_0"
            if not has(quiz["blocks"], first):
                break
            await click(slack, REP, quiz, first)
