"""Small mrkdwn helpers: escaping what people typed, clipping to Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.core.slack_ids import USER_ID

ELLIPSIS = "…"


def escape(text: str) -> str:
    """Slack reads `<`, `>` and `&` as markup: a deal called "R&D <EU>" must stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# `<@U123>`, or `<@U123|dana>` as a command's text carries it (the label is dropped:
# Slack shows the person's current name)
_ESCAPED_MENTION = re.compile(rf"&lt;@({USER_ID})(?:\|[\w.\-]*)?&gt;")


def escape_keeping_mentions(text: str) -> str:
    """Escape text the app wrote around user mentions (`<@U123>`), keeping the mentions:
    a failure names the deal's owner, and Slack must show a name, not `<@U123>`."""
    return _ESCAPED_MENTION.sub(r"<@\1>", escape(text))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word when one is near, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;:.-") + ELLIPSIS


def clip_escaped(text: str, limit: int, *, escaper: Callable[[str], str] = escape) -> str:
    """`text` clipped and escaped, at most `limit` characters once escaped (`&` → `&amp;`
    grows it): for mrkdwn where Slack counts what is sent, not what it shows. `escaper`:
    `escape_keeping_mentions` for text that names people."""
    plain = clip(text, limit)
    escaped = escaper(plain)
    if len(escaped) <= limit:
        return escaped
    # Clipping shorter by what escaping added leaves no more to escape than before.
    return escaper(clip(text, limit - (len(escaped) - len(plain))))


def bold(text: str) -> str:
    return f"*{text}*" if text else text


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def join_clipped(parts: Iterable[str], *, limit: int, separator: str = "\n") -> str:
    """Join `parts` and clip the whole: for section texts built from map content."""
    return clip(separator.join(parts), limit)
