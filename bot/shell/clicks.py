"""`/click N` as the block_actions payload Slack sends for that click.

A checkbox click carries the whole new selection of its group (Slack never sends a
delta); a click in an ephemeral message carries `container.is_ephemeral` and no
`message`, and a response URL that can replace it; a click in App Home carries the view.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

from bot.shell.screen import Surface
from bot.slack_standin import (
    SlackStandIn,
    block_actions_payload,
    button_action,
    checkboxes_action,
    overflow_action,
)
from bot.views.text import Choice

JsonDict = dict[str, Any]


def click_payload(
    surface: Surface,
    choice: Choice,
    *,
    standin: SlackStandIn,
    user_id: str,
    user_name: str,
    team_id: str,
) -> JsonDict:
    action = choice_action(surface.blocks, choice)
    if surface.kind == "home":
        return block_actions_payload(
            action, user_id=user_id, team_id=team_id, user_name=user_name, view=surface.content
        )
    channel = str(surface.channel)
    url = standin.response_url(channel=channel, user=user_id, message_ts=surface.ts)
    ephemeral = surface.kind == "ephemeral"
    return block_actions_payload(
        action,
        user_id=user_id,
        team_id=team_id,
        user_name=user_name,
        channel_id=channel,
        message_ts=surface.ts,
        message=None if ephemeral else surface.content,
        is_ephemeral=ephemeral,
        response_url=url,
    )


def choice_action(blocks: list[JsonDict], choice: Choice) -> JsonDict:
    """The `actions[0]` Slack sends when this choice is clicked."""
    element = find_element(blocks, choice)
    if choice.kind == "button":
        return button_action(
            choice.action_id,
            block_id=choice.block_id,
            value=choice.value or "",
            text=choice.label,
            style=element.get("style"),
        )
    if choice.kind == "checkbox":
        return checkboxes_action(
            choice.action_id,
            block_id=choice.block_id,
            selected_options=_toggled(element, choice),
        )
    picked = _option(element, choice.value)
    if choice.kind == "overflow":
        return overflow_action(choice.action_id, block_id=choice.block_id, selected_option=picked)
    return _select_action(element, choice, picked)


def find_element(blocks: list[JsonDict], choice: Choice) -> JsonDict:
    for block in blocks:
        if block.get("block_id") != choice.block_id:
            continue
        for element in _elements(block):
            if element.get("action_id") == choice.action_id:
                return element
    raise LookupError(f"no element {choice.action_id!r} in block {choice.block_id!r}")


def _elements(block: JsonDict) -> Iterator[JsonDict]:
    candidates = [block.get("accessory"), block.get("element"), *(block.get("elements") or [])]
    yield from (e for e in candidates if isinstance(e, dict))


def _toggled(element: JsonDict, choice: Choice) -> list[JsonDict]:
    """The group's selection after this click, in the order the options are listed."""
    ticked = {o.get("value") for o in element.get("initial_options") or []}
    ticked ^= {choice.value}
    return [copy.deepcopy(o) for o in element.get("options") or [] if o.get("value") in ticked]


def _option(element: JsonDict, value: str | None) -> JsonDict:
    for option in element.get("options") or []:
        if option.get("value") == value:
            return dict(option)
    raise LookupError(f"no option {value!r} in {element.get('action_id')!r}")


def _select_action(element: JsonDict, choice: Choice, picked: JsonDict) -> JsonDict:
    action: JsonDict = {
        "type": element.get("type", "static_select"),
        "action_id": choice.action_id,
        "block_id": choice.block_id,
        "selected_option": copy.deepcopy(picked),
        "action_ts": f"{time.time():.6f}",
    }
    if isinstance(element.get("placeholder"), dict):
        action["placeholder"] = copy.deepcopy(element["placeholder"])
    return action
