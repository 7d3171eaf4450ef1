"""The "Save as evidence" message shortcut as a person uses it, over signed HTTP: post a
message in a channel, run the shortcut on it, pick in the form the app opened, submit."""

from __future__ import annotations

import copy
from typing import Any

from bot.slack_standin import message_action_payload
from bot.views.ids import BlockId, CallbackId
from tests.support.harness import SIGNING_SECRET, Answer, SlackHarness
from tests.support.signing import signed_form

JsonDict = dict[str, Any]
SHORTCUT = CallbackId.SAVE_AS_EVIDENCE.value


async def run_shortcut(
    slack: SlackHarness, message: JsonDict, *, user: str, channel: str | None = None
) -> Answer:
    channel = channel or slack.channel_id
    url = slack.standin.response_url(channel=channel, user=user)
    payload = message_action_payload(
        SHORTCUT, message, user_id=user, team_id=slack.team_id, channel_id=channel, response_url=url
    )
    return await slack.post(*signed_form(payload, secret=SIGNING_SECRET))


async def shortcut_on(
    slack: SlackHarness, text: str, *, user: str, channel: str | None = None
) -> JsonDict:
    """Post `text` as `user`, run the shortcut on it; the form the app opened."""
    message = slack.standin.post_as_user(channel=channel or slack.channel_id, user=user, text=text)
    answer = await run_shortcut(slack, message, user=user, channel=channel)
    assert answer.status == 200
    return open_form(slack)


def open_form(slack: SlackHarness) -> JsonDict:
    """The newest form, as Slack shows it now (after any views.update)."""
    forms = [v for v in slack.standin.open_views if v["callback_id"] == SHORTCUT]
    assert forms, "no Save as evidence form is open"
    return forms[-1]


def block(view: JsonDict, prefix: str) -> JsonDict | None:
    return next((b for b in view["blocks"] if str(b.get("block_id", "")).startswith(prefix)), None)


def item_options(view: JsonDict) -> dict[str, JsonDict]:
    """The item menu's options by item id."""
    menu = block(view, BlockId.SAVE_ITEM_PREFIX)
    assert menu is not None, "the form offers no item"
    return {o["value"].rsplit("|", 1)[1]: o for o in menu["element"]["options"]}


def deal_option(view: JsonDict, deal_id: int) -> JsonDict:
    menu = block(view, BlockId.SAVE_DEAL)
    assert menu is not None
    return next(o for o in menu["element"]["options"] if o["value"] == str(deal_id))


async def pick_deal(slack: SlackHarness, view: JsonDict, deal_id: int, *, user: str) -> JsonDict:
    """Pick another deal in the menu: Slack dispatches the action; the form after it."""
    action = {
        "type": "static_select",
        "action_id": BlockId.SAVE_DEAL.value,
        "block_id": BlockId.SAVE_DEAL.value,
        "selected_option": copy.deepcopy(deal_option(view, deal_id)),
        "action_ts": "1767225600.000001",
    }
    # The modal is the member's own workspace's (the stand-in's views.open names its own
    # team), as view_submission_payload has it too.
    shown = dict(view, team_id=slack.team_id, app_installed_team_id=slack.team_id)
    answer = await slack.action(action, user=user, view=shown)
    assert answer.status == 200
    return open_form(slack)


def answers(view: JsonDict, item_id: str | None, *, replace: bool = False) -> JsonDict:
    """state.values as Slack sends them: the deal menu's pick, the item, the box."""
    deal = block(view, BlockId.SAVE_DEAL)
    assert deal is not None
    values: JsonDict = {
        deal["block_id"]: {
            deal["element"]["action_id"]: {
                "type": "static_select",
                "selected_option": deal["element"].get("initial_option"),
            }
        }
    }
    menu = block(view, BlockId.SAVE_ITEM_PREFIX)
    if menu is not None:
        picked = item_options(view).get(item_id or "") if item_id else None
        action_id = menu["element"]["action_id"]
        values[menu["block_id"]] = {action_id: {"type": "static_select", "selected_option": picked}}
    box = block(view, BlockId.SAVE_REPLACE)
    if box is not None:
        chosen = box["element"]["options"] if replace else []
        values[box["block_id"]] = {
            box["element"]["action_id"]: {"type": "checkboxes", "selected_options": chosen}
        }
    return values


async def submit_form(
    slack: SlackHarness, view: JsonDict, item_id: str | None, *, user: str, replace: bool = False
) -> Answer:
    return await slack.submit(
        SHORTCUT, view["private_metadata"], answers(view, item_id, replace=replace),
        user=user, view=view,
    )  # fmt: skip
