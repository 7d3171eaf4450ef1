"""auth.test, users.info, conversations.open and usergroups.users.list: who the bot is, who
users are, where DMs go, who is in a user group."""

from __future__ import annotations

import copy

from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict, SlackError
from bot.slack_standin.web_api_args import required
from bot.slack_standin.workspace import Handler, Workspace, dm_channel


def auth_test(ws: Workspace, args: JsonDict, *, team_id: str | None = None) -> JsonDict:
    """Who the token is: the workspace an OAuth install issued it for (`team_id`), else the
    stand-in's own (a token handed out by hand, single-workspace mode)."""
    return {
        "ok": True,
        "url": f"https://{ids.TEAM_DOMAIN}.slack.com/",
        "team": ids.TEAM_NAME,
        "user": ids.BOT_NAME,
        "team_id": team_id or ws.team_id,
        "user_id": ids.BOT_USER_ID,
        "bot_id": ids.BOT_ID,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, args: JsonDict) -> JsonDict:
    user = ws.user(required(args, "user", error="user_not_found"))
    if user is None:
        raise SlackError("user_not_found")
    found = copy.deepcopy(user)
    if str(args.get("include_locale", "")).lower() not in ("1", "true"):
        found.pop("locale", None)  # Slack says it only when asked
    return {"ok": True, "user": found}


def conversations_open(ws: Workspace, args: JsonDict) -> JsonDict:
    """Open (or find) the bot's DM with one user; the DM id is stable per user."""
    if args.get("channel"):
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": args["channel"]}}
    users = [u.strip() for u in required(args, "users", error="users_list_not_supplied").split(",")]
    if len(users) != 1:
        raise SlackError("not_enough_users" if not users[0] else "too_many_users")
    if ws.user(users[0]) is None:
        raise SlackError("user_not_found")
    channel = dm_channel(users[0])
    already_open = channel in ws.channels
    ws.channels[channel]  # defaultdict: the DM now exists, empty
    reply: JsonDict = {"ok": True, "channel": {"id": channel}}
    return {**reply, "no_op": True, "already_open": True} if already_open else reply


def usergroups_users_list(ws: Workspace, args: JsonDict) -> JsonDict:
    """The members of one user group (`S…`), as Slack lists them: ids only."""
    group = ws.usergroups.get(required(args, "usergroup", error="invalid_arguments"))
    if group is None:
        raise SlackError("no_such_subteam")
    return {"ok": True, "users": list(group["users"])}


DIRECTORY_METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "conversations.open": conversations_open,
    "usergroups.users.list": usergroups_users_list,
}
