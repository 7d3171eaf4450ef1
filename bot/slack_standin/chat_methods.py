"""chat.* methods and response URLs, with Slack's rules for ephemeral messages.

An ephemeral message lives only in its recipient's client: chat.update and chat.delete cannot
find it (`message_not_found`); only a response URL from an interaction with it can replace or
delete it.
"""

from __future__ import annotations

import copy
import re

from bot.slack_standin import ids
from bot.slack_standin.block_kit_limits import message_violations
from bot.slack_standin.records import JsonDict, SlackError, raise_if_any
from bot.slack_standin.web_api_args import required, truthy
from bot.slack_standin.workspace import Handler, ResponseHook, Workspace, with_generated_ids

PLAUSIBLE_CHANNEL = re.compile(r"[CDG][A-Z0-9]{2,31}")
RESPONSE_URL_USES = 5  # Slack: a response URL works five times within 30 minutes


def post_message(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = ws.resolve_channel(required(args, "channel", error="channel_not_found"))
    raise_if_any(message_violations(args, method="chat.postMessage"))
    message = ws.bot_message(
        text=args.get("text") or "", blocks=args.get("blocks"), ts=ws.next_ts()
    )
    if args.get("thread_ts"):
        message["thread_ts"] = str(args["thread_ts"])
    ws.channels[channel].append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}


def update(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = ws.resolve_channel(required(args, "channel", error="channel_not_found"))
    ts = required(args, "ts", error="message_not_found")
    raise_if_any(message_violations(args, method="chat.update"))
    message = ws.find_message(channel, ts)
    if message is None:  # ephemeral messages are never found here, as in Slack
        raise SlackError("message_not_found")
    replace_content(message, args, keep_blocks=True)
    message["edited"] = {"user": ids.BOT_USER_ID, "ts": ws.next_ts()}
    reply = {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}
    return {**reply, "message": copy.deepcopy(message)}


def post_ephemeral(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = ws.resolve_channel(required(args, "channel", error="channel_not_found"))
    user = required(args, "user", error="user_not_in_channel")
    if ws.user(user) is None:
        raise SlackError("user_not_found")
    raise_if_any(message_violations(args, method="chat.postEphemeral"))
    message = ws.bot_message(
        text=args.get("text") or "", blocks=args.get("blocks"), ts=ws.next_ts()
    )
    ws.ephemerals[user].append({**message, "channel": channel})
    return {"ok": True, "message_ts": message["ts"]}


def delete(ws: Workspace, args: JsonDict) -> JsonDict:
    channel = ws.resolve_channel(required(args, "channel", error="channel_not_found"))
    ts = required(args, "ts", error="message_not_found")
    message = ws.find_message(channel, ts)
    if message is None:
        raise SlackError("message_not_found")
    ws.remove_message(message)
    return {"ok": True, "channel": channel, "ts": ts}


def get_permalink(ws: Workspace, args: JsonDict) -> JsonDict:
    """A message's link, as Slack writes it; a reply in a thread names its thread."""
    channel = ws.resolve_channel(required(args, "channel", error="channel_not_found"))
    ts = required(args, "message_ts", error="message_not_found")
    if channel not in ws.channels and not PLAUSIBLE_CHANNEL.fullmatch(channel):
        raise SlackError("channel_not_found")  # any channel id may exist, as users may
    message = ws.find_message(channel, ts)
    if message is None:
        raise SlackError("message_not_found")
    link = f"https://{ids.TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    thread = message.get("thread_ts")
    if thread and thread != ts:
        link += f"?thread_ts={thread}&cid={channel}"
    return {"ok": True, "channel": channel, "permalink": link}


CHAT_METHODS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.postEphemeral": post_ephemeral,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
}


def respond(
    ws: Workspace, hook: ResponseHook, body: JsonDict, *, method: str, count_use: bool = True
) -> JsonDict:
    """What Slack does with a message posted to a response URL (or sent as a command's ack)."""
    if count_use:
        hook.uses += 1
        if hook.uses > RESPONSE_URL_USES:
            raise SlackError("used_url", status=404)
    source = _source_message(ws, hook)
    if truthy(body.get("delete_original")):
        if source is None:
            raise SlackError("message_not_found")
        ws.remove_message(source)
        return {"ok": True}
    raise_if_any(message_violations(body, method=method))
    if truthy(body.get("replace_original")) and source is not None:
        replace_content(source, body, keep_blocks=False)  # stays ephemeral if it was
        return {"ok": True}
    _post_response(ws, hook, body)
    return {"ok": True}


def _post_response(ws: Workspace, hook: ResponseHook, body: JsonDict) -> None:
    message = ws.bot_message(
        text=body.get("text") or "", blocks=body.get("blocks"), ts=ws.next_ts()
    )
    # A response is private to the user unless the app asks for `in_channel`.
    if body.get("response_type") == "in_channel":
        ws.channels[hook.channel].append(message)
    else:
        ws.ephemerals[hook.user].append({**message, "channel": hook.channel})
    hook.source_ts = hook.source_ts or message["ts"]


def _source_message(ws: Workspace, hook: ResponseHook) -> JsonDict | None:
    if hook.source_ts is None:
        return None
    return ws.find_message(hook.channel, hook.source_ts) or ws.find_ephemeral(hook.source_ts)


def replace_content(message: JsonDict, args: JsonDict, *, keep_blocks: bool) -> None:
    """chat.update keeps blocks it was not sent; a response URL replaces the whole message."""
    message["text"] = args.get("text") or ""
    fresh = args.get("blocks")
    if fresh:
        message["blocks"] = with_generated_ids(fresh)
    elif not keep_blocks or "blocks" in args:
        message.pop("blocks", None)
