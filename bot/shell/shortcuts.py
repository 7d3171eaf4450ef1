"""`/shortcut <callback_id> [text]`: a message shortcut, as a person runs it from a
message's "More actions" menu. With text, the person first posts it in the current
channel (as Slack stores it: escaped, with mentions); without, it runs on the channel's
last message. Slack then sends the message_action payload the app answers with a form.

And what Slack does when a person picks in a menu that dispatches (`dispatch_action`) in
an open form: a block_actions payload from the view; the app may update the form.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from bot.shell.forms import FormField
from bot.shell.reply import Reply
from bot.shell.session import ShellSession
from bot.slack_standin import block_actions_payload, message_action_payload

JsonDict = dict[str, Any]
# manifest.yml's message shortcuts (features.shortcuts), by callback id.
MESSAGE_SHORTCUTS = ("save_as_evidence",)


async def run_shortcut(session: ShellSession, rest: str) -> Reply:
    name, _sep, text = rest.strip().partition(" ")
    if name not in MESSAGE_SHORTCUTS:
        shown = name or "(none)"
        return Reply(
            problem=f"{shown} is not a message shortcut of the app; try "
            f"/shortcut {MESSAGE_SHORTCUTS[0]} <message text>"
        )
    channel, user = session.channel_id, session.user
    if text.strip():
        escaped = session.directory.escape(text.strip())  # as Slack stores what is typed
        message = session.standin.post_as_user(channel=channel, user=user.user_id, text=escaped)
    else:
        posted = session.standin.messages(channel)
        if not posted:
            return Reply(
                problem=f"#{session.channel} has no message to run it on; give the text: "
                f"/shortcut {name} <message text>"
            )
        message = posted[-1]
    payload = message_action_payload(
        name,
        message,
        user_id=user.user_id,
        team_id=session.team_id,
        channel_id=channel,
        channel_name=session.channel,
        response_url=session.standin.response_url(channel=channel, user=user.user_id),
        user_name=user.name,
    )
    return await session.send(payload, request="message_action")


async def dispatch_pick(
    session: ShellSession, view: JsonDict, form_field: FormField, entry: JsonDict
) -> JsonDict:
    """Pick `entry` in a menu that dispatches; the form as it is afterwards."""
    action: JsonDict = {
        "type": form_field.kind,
        "action_id": form_field.action_id,
        "block_id": form_field.block_id,
        "selected_option": copy.deepcopy(entry.get("selected_option")),
        "action_ts": f"{time.time():.6f}",
    }
    payload = block_actions_payload(
        action,
        user_id=session.user.user_id,
        team_id=session.team_id,
        user_name=session.user.name,
        view=view,
    )
    await session.send(payload, request="block_actions")
    return session.standin.view(str(view["id"])) or view
