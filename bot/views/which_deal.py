"""The question "which deal?", when the words after a command may name a deal or be its
text (bot.deals.naming): one button per deal, each running the command on it."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock

from bot.deals.outcomes import DealChoice, WhichDeal
from bot.views.blocks import button, context, section
from bot.views.ids import ActionId, ChosenDeal
from bot.views.message import Message
from bot.views.mrkdwn import escape
from flows.i18n import _

QUOTED = 40  # how much of the command's text a button quotes


def which_deal_message(outcome: WhichDeal) -> Message:
    buttons = [
        button(
            _label(outcome.command, choice),
            action_id=f"{ActionId.CHOOSE_DEAL}_{number}",
            value=ChosenDeal(outcome.command, choice.deal_id, choice.text).dumps(),
        )
        for number, choice in enumerate(outcome.choices)
    ]
    hint = _(
        "Nothing changes until you pick one; or name the deal by number: /deal {command} #42 …"
    )
    return Message(
        text=outcome.question,
        blocks=[
            section(escape(outcome.question)),
            ActionsBlock(elements=buttons),
            context(escape(hint.format(command=outcome.command))),
        ],
    )


def _label(command: str, choice: DealChoice) -> str:
    text = choice.text if len(choice.text) <= QUOTED else choice.text[: QUOTED - 1] + "…"
    return _("{command} {name}: {text}").format(
        command=command.capitalize(), name=choice.name, text=text
    )
