"""Request payloads in Slack's real shapes: slash commands, block_actions, view_submission, events.

Shapes follow what Slack really sends (tests/bot/test_testing_standin.py compares them with
captured samples when those are at hand). Pure functions (ids and timestamps aside): sign
the result with `tests.support.signing` for HTTP, or hand the dict to
`AsyncBoltRequest(body=…, mode="socket_mode")` in-process.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict

_T = TypeVar("_T")


def new_trigger_id() -> str:
    """A fresh trigger id in Slack's format ("7098336993394.842445099040.6c32…")."""
    return f"{secrets.randbelow(10**13)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def _response_url(team_id: str, kind: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{secrets.randbelow(10**13)}/{secrets.token_urlsafe(18)}"


def _now_ts() -> str:
    return f"{time.time():.6f}"


def slash_command_body(
    text: str,
    *,
    user_id: str,
    team_id: str,
    channel_id: str,
    command: str = "/deal",
    response_url: str | None = None,
    trigger_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = ids.TEAM_DOMAIN,
    channel_name: str = "general",
    api_app_id: str = ids.APP_ID,
    token: str = ids.VERIFICATION_TOKEN,
    is_enterprise_install: bool = False,
) -> str:
    """The form body Slack POSTs for a slash command, fields in Slack's order."""
    fields = [
        ("token", token),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name or user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        # a string on the wire, like every form field
        ("is_enterprise_install", "true" if is_enterprise_install else "false"),
        ("response_url", response_url or _response_url(team_id, "commands")),
        ("trigger_id", trigger_id or new_trigger_id()),
    ]
    return urlencode(fields)


def form_fields(body: str) -> dict[str, str]:
    """A form body as a dict: a slash command's Socket Mode payload is this, as JSON."""
    return dict(parse_qsl(body, keep_blank_values=True))


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
        "action_ts": _now_ts(),
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
        "action_ts": _now_ts(),
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
        "action_ts": _now_ts(),
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
    team_domain: str = ids.TEAM_DOMAIN,
    channel_name: str = "general",
    api_app_id: str = ids.APP_ID,
    token: str = ids.VERIFICATION_TOKEN,
) -> JsonDict:
    """A block_actions payload for a click in a message, an ephemeral message, or a view.

    A message in a channel carries `message`; an ephemeral one does not (Slack never sends
    it), only `container.is_ephemeral: true`; a modal or App Home click carries `view`.
    """
    values = _state_values(action, state_values)
    payload: JsonDict = {
        "type": "block_actions",
        "user": _user(user_id, team_id=team_id, user_name=user_name),
        "api_app_id": api_app_id,
        "token": token,
        "container": {},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
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
    payload["response_url"] = response_url or _response_url(payload["team"]["id"], "actions")


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


def _user(user_id: str, *, team_id: str, user_name: str | None) -> JsonDict:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def view_submission_payload(
    callback_id: str,
    private_metadata: str,
    state_values: JsonDict,
    *,
    user_id: str,
    team_id: str,
    view: JsonDict | None = None,
    title: str = "stagecoach",
    blocks: Sequence[JsonDict] = (),
    response_urls: Sequence[JsonDict] = (),
    trigger_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = ids.TEAM_DOMAIN,
    api_app_id: str = ids.APP_ID,
    token: str = ids.VERIFICATION_TOKEN,
) -> JsonDict:
    """A view_submission payload. Pass `view=` (e.g. from `standin.open_views`) to submit
    that view; otherwise a modal is made up from `title` and `blocks`."""
    shown = copy.deepcopy(view) if view is not None else _made_up_modal(title, blocks, team_id)
    shown.update(
        {
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": state_values},
        }
    )
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user(user_id, team_id=team_id, user_name=user_name),
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": shown,
        "response_urls": list(response_urls),
        "is_enterprise_install": False,
        "enterprise": None,
    }


def _made_up_modal(title: str, blocks: Sequence[JsonDict], team_id: str) -> JsonDict:
    view_id = f"V{secrets.token_hex(5).upper()}"
    return {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "blocks": copy.deepcopy(list(blocks)),
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": {"type": "plain_text", "text": title, "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": ids.APP_ID,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": ids.BOT_ID,
    }


def app_home_opened_event(
    user_id: str,
    *,
    tab: str = "home",
    channel: str | None = None,
    view: JsonDict | None = None,
    event_ts: str | None = None,
) -> JsonDict:
    """The inner `app_home_opened` event; `view` is the home view Slack shows, if one was published."""
    event: JsonDict = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel or "D" + user_id[1:],
        "tab": tab,
        "event_ts": event_ts or _now_ts(),
    }
    if view is not None:
        event["view"] = copy.deepcopy(view)
    return event


def event_callback(
    event: JsonDict,
    *,
    team_id: str,
    event_id: str | None = None,
    event_time: int | None = None,
    api_app_id: str = ids.APP_ID,
    bot_user_id: str = ids.BOT_USER_ID,
    token: str = ids.VERIFICATION_TOKEN,
) -> JsonDict:
    """The Events API envelope around `event`; reuse `event_id` to imitate Slack's retries."""
    envelope: dict[str, Any] = {
        "token": token,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": copy.deepcopy(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return envelope
