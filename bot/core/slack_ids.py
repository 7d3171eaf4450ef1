"""What Slack's ids look like, defined once: a user (`U012AB3CD`, or `W…` in Enterprise
Grid), a channel (`C…`, `G…` for an old private one), and the way Slack escapes them in
the text of a command (`<@U012AB3CD|dana>`, `<#C012AB3CD|sales>`).

Core knows Slack's id *format*, never its SDK. An id is at most 32 characters: the columns
that keep one are that long (storage.models), so a longer "id" names nobody.
"""

from __future__ import annotations

import re

_TAIL = r"[A-Z0-9]{2,31}"
USER_ID = rf"[UW]{_TAIL}"
CHANNEL_ID = rf"[CG]{_TAIL}"
USERGROUP_ID = rf"S{_TAIL}"  # a user group (`<!subteam^S012AB3CD|@sales>` in a command)
ANY_ID = rf"[UWCGD]{_TAIL}"  # a user or a conversation (D: a direct message)

_USER = re.compile(USER_ID)
_USER_MENTION = re.compile(rf"<@({USER_ID})(?:\|[^>]*)?>")
_CHANNEL_MENTION = re.compile(rf"<#({CHANNEL_ID})(?:\|[^>]*)?>")
_USERGROUP_MENTION = re.compile(rf"<!subteam\^({USERGROUP_ID})(?:\|[^>]*)?>")


def is_user_id(text: str) -> bool:
    """`U012AB3CD` or `W012AB3CD`: a user id, bare."""
    return _USER.fullmatch(text) is not None


def user_id(token: str) -> str | None:
    """`<@U123|dana>` (as Slack escapes a mention) or a bare `U123` → `U123`; else None."""
    match = _USER_MENTION.fullmatch(token)
    if match:
        return match.group(1)
    return token if is_user_id(token) else None


def is_direct_message(channel: str | None) -> bool:
    """A DM's conversation id begins with D; a channel's with C or G (private)."""
    return channel is not None and channel.startswith("D")


def channel_id(token: str) -> str | None:
    """`<#C123|sales>` (as Slack escapes a channel it links) → `C123`; else None."""
    match = _CHANNEL_MENTION.fullmatch(token)
    return match.group(1) if match else None


def usergroup_id(token: str) -> str | None:
    """`<!subteam^S123|@sales>` (as Slack escapes a user group) → `S123`; else None."""
    match = _USERGROUP_MENTION.fullmatch(token)
    return match.group(1) if match else None
