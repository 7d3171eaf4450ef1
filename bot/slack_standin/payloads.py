"""Request payloads in Slack's real shapes: slash commands, view_submission, events, and the
envelope every interaction shares (block_actions: bot.slack_standin.action_payloads).

Shapes follow what Slack really sends (tests/slack_standin/test_standin.py compares them with
captured samples when those are at hand). Pure functions (ids and timestamps aside): sign
the result with `tests.support.signing` for HTTP, or hand the dict to
`AsyncBoltRequest(body=…, mode="socket_mode")` in-process.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict


def new_trigger_id() -> str:
    """A fresh trigger id in Slack's format ("7098336993394.842445099040.6c32…")."""
    return f"{secrets.randbelow(10**13)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def response_url_for(team_id: str, kind: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{secrets.randbelow(10**13)}/{secrets.token_urlsafe(18)}"


def now_ts() -> str:
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
    channel_name: str = "general",
    is_enterprise_install: bool = False,
) -> str:
    """The form body Slack POSTs for a slash command, fields in Slack's order."""
    fields = [
        ("token", ids.VERIFICATION_TOKEN),
        ("team_id", team_id),
        ("team_domain", ids.TEAM_DOMAIN),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name or user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", ids.APP_ID),
        # a string on the wire, like every form field
        ("is_enterprise_install", "true" if is_enterprise_install else "false"),
        ("response_url", response_url or response_url_for(team_id, "commands")),
        ("trigger_id", trigger_id or new_trigger_id()),
    ]
    return urlencode(fields)


def form_fields(body: str) -> dict[str, str]:
    """A form body as a dict: a slash command's Socket Mode payload is this, as JSON."""
    return dict(parse_qsl(body, keep_blank_values=True))


def interaction(
    kind: str, team_id: str, user_id: str, user_name: str | None, trigger_id: str | None
) -> JsonDict:
    """What every interaction payload (block_actions, view_submission) says of who acted,
    where, and for which app."""
    return {
        "type": kind,
        "team": {"id": team_id, "domain": ids.TEAM_DOMAIN},
        "user": _user(user_id, team_id=team_id, user_name=user_name),
        "api_app_id": ids.APP_ID,
        "token": ids.VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "is_enterprise_install": False,
        "enterprise": None,
    }


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
) -> JsonDict:
    """A view_submission payload. Pass `view=` (e.g. from `standin.open_views`) to submit
    that view; otherwise a modal is made up from `title` and `blocks`."""
    shown = copy.deepcopy(view) if view is not None else _made_up_modal(title, blocks, team_id)
    shown.update(
        {
            # A member's modal is their own workspace's, the one the app is installed in.
            # Tests act in several teams through the one stand-in, whose views.open names
            # its own team: the submission says the submitter's, as Slack would.
            "team_id": team_id,
            "app_installed_team_id": team_id,
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": state_values},
        }
    )
    payload = interaction("view_submission", team_id, user_id, user_name, trigger_id)
    return payload | {"view": shown, "response_urls": list(response_urls)}


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
        "event_ts": event_ts or now_ts(),
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
) -> JsonDict:
    """The Events API envelope around `event`; reuse `event_id` to imitate Slack's retries."""
    envelope: dict[str, Any] = {
        "token": ids.VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": ids.APP_ID,
        "event": copy.deepcopy(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": ids.BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return envelope
