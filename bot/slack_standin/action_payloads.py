"""block_actions payloads in Slack's real shapes: what Slack sends the app when a person
clicks a button, picks from an overflow menu or ticks a checkbox, in a message, an
ephemeral message, a modal or App Home (the envelope is bot.slack_standin.payloads'); and
the message_action a message shortcut sends."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TypeVar

from bot.slack_standin import ids
from bot.slack_standin.payloads import interaction, new_trigger_id, now_ts, response_url_for
from bot.slack_standin.records import JsonDict

_T = TypeVar("_T")


def option(value: str, text: str, *, mrkdwn: bool = False) -> JsonDict:
    """An option object as Slack echoes it in selected_option(s)."""
    if mrkdwn:
        return {"text": {"type": "mrkdwn", "text": text, "verbatim": False}, "value": value}
    return {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}


def button_action(
    action_id: str, *, block_id: str, value: str = "", text: str = "", style: str | None = None
) -> JsonDict:
    """The `actions[0]` of a button click."""
    action: JsonDict = {
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text or action_id, "emoji": True},
        "value": value,
        "type": "button",
        "action_ts": now_ts(),
    }
    if style:
        action["style"] = style
    return action


def overflow_action(action_id: str, *, block_id: str, selected_option: JsonDict) -> JsonDict:
    """The `actions[0]` of an overflow menu choice."""
    return {
        "type": "overflow",
        "action_id": action_id,
        "block_id": block_id,
        "selected_option": copy.deepcopy(selected_option),
        "action_ts": now_ts(),
    }


def checkboxes_action(
    action_id: str, *, block_id: str, selected_options: Sequence[JsonDict]
) -> JsonDict:
    """The `actions[0]` of a checkbox tick or untick: the whole current selection, not a delta."""
    return {
        "selected_options": copy.deepcopy(list(selected_options)),
        "action_id": action_id,
        "block_id": block_id,
        "type": "checkboxes",
        "action_ts": now_ts(),
    }


def block_actions_payload(
    action: JsonDict,
    *,
    user_id: str,
    team_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
    message: JsonDict | None = None,
    is_ephemeral: bool = False,
    view: JsonDict | None = None,
    state_values: JsonDict | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    user_name: str | None = None,
    channel_name: str = "general",
) -> JsonDict:
    """A block_actions payload for a click in a message, an ephemeral message, or a view.

    A message in a channel carries `message`; an ephemeral one does not (Slack never sends
    it), only `container.is_ephemeral: true`; a modal or App Home click carries `view`.
    """
    payload = interaction("block_actions", team_id, user_id, user_name, trigger_id)
    values = _state_values(action, state_values)
    if view is not None:
        _add_view_source(payload, view=view, values=values)
    else:
        _add_message_source(
            payload,
            channel={"id": _need(channel_id, "channel_id"), "name": channel_name},
            message_ts=_need(message_ts or (message or {}).get("ts"), "message_ts"),
            message=None if is_ephemeral else _need(message, "message"),
            values=values,
            response_url=response_url,
        )
    payload["actions"] = [copy.deepcopy(action)]
    return payload


def _need(value: _T | None, name: str) -> _T:
    """A click in a message names its channel and message; a channel message's click carries it."""
    if value is None:
        raise ValueError(f"block_actions_payload: pass {name}= (or view= for a click in a view)")
    return value


def _add_message_source(
    payload: JsonDict,
    *,
    channel: JsonDict,
    message_ts: str,
    message: JsonDict | None,
    values: JsonDict,
    response_url: str | None,
) -> None:
    """Slack sends no `message` for an ephemeral message: only `container.is_ephemeral`."""
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel["id"],
        "is_ephemeral": message is None,
    }
    payload["channel"] = channel
    if message is not None:
        payload["message"] = copy.deepcopy(message)
    payload["state"] = {"values": values}
    payload["response_url"] = response_url or response_url_for(payload["team"]["id"], "actions")


def _add_view_source(payload: JsonDict, *, view: JsonDict, values: JsonDict) -> None:
    payload["container"] = {"type": "view", "view_id": view["id"]}
    shown = copy.deepcopy(view)
    shown["state"] = {"values": {**shown.get("state", {}).get("values", {}), **values}}
    payload["view"] = shown


def _state_values(action: JsonDict, given: JsonDict | None) -> JsonDict:
    """state.values: what the caller gives, plus a checkbox group's current selection."""
    values = copy.deepcopy(given or {})
    if action.get("type") == "checkboxes":
        values.setdefault(action["block_id"], {})[action["action_id"]] = {
            "type": "checkboxes",
            "selected_options": copy.deepcopy(action["selected_options"]),
        }
    return values


def message_action_payload(
    callback_id: str,
    message: JsonDict,
    *,
    user_id: str,
    team_id: str,
    channel_id: str,
    channel_name: str = "general",
    response_url: str | None = None,
    trigger_id: str | None = None,
    user_name: str | None = None,
) -> JsonDict:
    """A message shortcut run on `message` (as Slack stores it: bot.slack_standin's
    `post_as_user`), in the shape of bolt-python's own fixture
    (tests/support/samples/slack_sdk/shortcut.message.json): a `user` with an id and a
    name only, the team's domain, the message and its ts, a response URL."""
    return {
        "type": "message_action",
        "token": ids.VERIFICATION_TOKEN,
        "action_ts": now_ts(),
        "team": {"id": team_id, "domain": ids.TEAM_DOMAIN},
        "user": {"id": user_id, "name": user_name or user_id.lower()},
        "channel": {"id": channel_id, "name": channel_name},
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "message_ts": message["ts"],
        "message": copy.deepcopy(message),
        "response_url": response_url or response_url_for(team_id, "app"),
    }
