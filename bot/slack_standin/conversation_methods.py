"""conversations.create, conversations.invite and pins.add, with Slack's rules and error
names: what a deal room needs (bot/slack/rooms.py). Channels made here are kept in
`Workspace.conversations`; the channels the tests post to without making them are not
(they have no name or members to check)."""

from __future__ import annotations

import copy
import re

from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict, SlackError
from bot.slack_standin.web_api_args import required, truthy
from bot.slack_standin.workspace import Handler, Workspace

MAX_NAME = 80
MAX_INVITES = 1000  # users in one conversations.invite
_ALLOWED = re.compile(r"[a-z0-9_-]+")
_PUNCTUATION = re.compile(r"[-_]+")


def name_error(name: str) -> str | None:
    """Slack's error for a channel name it would refuse, or None."""
    if not name:
        return "invalid_name_required"
    if len(name) > MAX_NAME:
        return "invalid_name_maxlength"
    if not _ALLOWED.fullmatch(name):
        return "invalid_name_specials"  # capitals, spaces, dots, accents, emoji…
    if _PUNCTUATION.fullmatch(name):
        return "invalid_name_punctuation"
    return None


def create(ws: Workspace, args: JsonDict) -> JsonDict:
    name = args.get("name")
    error = name_error(name if isinstance(name, str) else "")
    if error is not None:
        raise SlackError(error)
    assert isinstance(name, str)
    if any(channel["name"] == name for channel in ws.conversations.values()):
        raise SlackError("name_taken")  # archived channels keep their names too
    private = truthy(args.get("is_private"))
    channel = new_channel(ws, name, private=private, creator=ids.BOT_USER_ID)
    return {"ok": True, "channel": _shown(channel)}


def new_channel(ws: Workspace, name: str, *, private: bool, creator: str) -> JsonDict:
    channel_id = ws.new_id("G" if private else "C")
    channel: JsonDict = {
        "id": channel_id,
        "name": name,
        "name_normalized": name,
        "is_channel": not private,
        "is_group": private,
        "is_private": private,
        "is_archived": False,
        "is_general": False,
        "created": int(float(ws.next_ts())),
        "creator": creator,
        "members": [creator],
        "pins": [],
    }
    ws.conversations[channel_id] = channel
    ws.channels[channel_id]  # defaultdict: the channel's messages, none yet
    return channel


def _shown(channel: JsonDict) -> JsonDict:
    """A channel as the Web API returns it (members and pins are asked for separately)."""
    shown = {key: value for key, value in channel.items() if key not in ("members", "pins")}
    return {**copy.deepcopy(shown), "is_member": True}


def _channel(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = ws.conversations.get(required(args, "channel", error="channel_not_found"))
    if channel is None:
        raise SlackError("channel_not_found")
    if channel["is_archived"]:
        raise SlackError("is_archived")
    if ids.BOT_USER_ID not in channel["members"]:
        raise SlackError("not_in_channel")
    return channel


def invite(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = _channel(ws, args)
    users = [user.strip() for user in str(args.get("users") or "").split(",") if user.strip()]
    if not users:
        raise SlackError("no_user")
    if len(users) > MAX_INVITES:
        raise SlackError("too_many_users")
    for user in users:  # Slack checks them all before inviting anyone
        if user == ids.BOT_USER_ID:
            raise SlackError("cant_invite_self")
        if ws.user(user) is None:
            raise SlackError("user_not_found")
        if user in channel["members"]:
            raise SlackError("already_in_channel")
    channel["members"].extend(users)
    return {"ok": True, "channel": _shown(channel)}


def pin(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = _channel(ws, args)
    ts = args.get("timestamp")
    if not isinstance(ts, str) or not ts:
        raise SlackError("no_item_specified")
    if ws.find_message(channel["id"], ts) is None:
        raise SlackError("message_not_found")
    if ts in channel["pins"]:
        raise SlackError("already_pinned")
    channel["pins"].append(ts)
    return {"ok": True}


CONVERSATION_METHODS: dict[str, Handler] = {
    "conversations.create": create,
    "conversations.invite": invite,
    "pins.add": pin,
}
