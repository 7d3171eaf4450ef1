"""The two ways into the app that the parity test compares, behind one small interface:
the shell (payloads dispatched in-process), and Slack's HTTP path (signed requests into
the real aiohttp route, through tests.support.harness), whose payloads are built here by
hand from what the card shows, as Slack's client would build them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.shell.forms import form_fields, state_entry, state_values
from bot.shell.lines import run_line
from bot.shell.people import Directory, channel_id_for, user_id_for
from bot.shell.session import ShellSession
from bot.slack_standin import button_action, checkboxes_action, overflow_action
from tests.support.blockkit import elements
from tests.support.harness import SlackHarness
from tests.support.slack import click_from

JsonDict = dict[str, Any]
CHANNEL = "sales"


@dataclass(frozen=True, slots=True)
class Line:
    user: str
    text: str


@dataclass(frozen=True, slots=True)
class Click:
    """Click the element labelled so (a checkbox: its label's start, e.g. "2.") on the
    user's latest card; answer the modal it opens, by input block id."""

    user: str
    label: str
    answers: dict[str, str] = field(default_factory=dict)


Step = Line | Click


class ShellSide:
    def __init__(self, session: ShellSession) -> None:
        self.session = session

    async def run(self, step: Step) -> None:
        self.session.act_as(step.user)
        if isinstance(step, Line):
            await run_line(self.session, step.text)
            return
        number = self.session.choice_number(step.label)
        assert number is not None, f"no choice {step.label!r} on the card"
        reply = await self.session.click(number)
        if reply.modal is not None and reply.modal.get("submit"):
            fields = form_fields(reply.modal)
            answers = {
                f.block_id: (f, state_entry(f, step.answers.get(f.block_id, ""))) for f in fields
            }
            await self.session.submit(reply.modal, state_values(answers))


class HttpSide:
    def __init__(self, harness: SlackHarness) -> None:
        self.harness = harness
        self.directory = Directory()

    async def run(self, step: Step) -> None:
        user = user_id_for(step.user)
        if isinstance(step, Line):
            command, _sep, text = step.text.partition(" ")
            assert command == "/deal"
            await self.harness.command(self.directory.escape(text), user=user)
            return
        card = self.harness.standin.ephemerals(user)[-1]
        opened = len(self.harness.standin.calls("views.open"))
        await self.harness.action(
            slack_action(card["blocks"], step.label),
            user=user,
            **click_from(self.harness, card, user),
        )
        if len(self.harness.standin.calls("views.open")) > opened:
            view = self.harness.standin.open_views[-1]
            if view.get("submit"):
                values = slack_values(view, step.answers)
                await self.harness.submit(
                    view["callback_id"], view["private_metadata"], values, user=user, view=view
                )


def slack_action(blocks: list[JsonDict], label: str) -> JsonDict:
    """`actions[0]` of a click on the element labelled `label`, as Slack sends it."""
    for block, element in elements(blocks):
        kind, block_id, action_id = element["type"], block["block_id"], element["action_id"]
        if kind == "button" and element["text"]["text"] == label:
            return button_action(
                action_id, block_id=block_id, value=element.get("value", ""), text=label
            )
        for option in element.get("options") or []:
            text = option["text"]["text"]
            if kind == "overflow" and text == label:
                return overflow_action(action_id, block_id=block_id, selected_option=option)
            if kind == "checkboxes" and text.startswith(label):
                ticked = [o["value"] for o in element.get("initial_options") or []]
                wanted = set(ticked) ^ {option["value"]}
                selection = [o for o in element["options"] if o["value"] in wanted]
                return checkboxes_action(action_id, block_id=block_id, selected_options=selection)
    raise AssertionError(f"nothing labelled {label!r} on the card")


def slack_values(view: JsonDict, answers: dict[str, str]) -> JsonDict:
    """`view.state.values` as Slack's client submits the modal with these answers."""
    values: JsonDict = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, answer = block["element"], answers.get(block["block_id"])
        if element["type"] == "static_select":
            chosen = next((o for o in element["options"] if o["text"]["text"] == answer), None)
            entry = {
                "type": "static_select",
                "selected_option": chosen or element.get("initial_option"),
            }
        elif element["type"] == "datepicker":
            entry = {"type": "datepicker", "selected_date": answer}
        else:
            entry = {"type": element["type"], "value": answer or element.get("initial_value")}
        values[block["block_id"]] = {element["action_id"]: entry}
    return values


def shell_channel_id() -> str:
    return channel_id_for(CHANNEL)
