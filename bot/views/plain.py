"""Slack mrkdwn to plain text, for the terminal shell and golden tests."""

from __future__ import annotations

import re

from bot.core.slack_text import readable

# A few emoji the views use, as a terminal shows them; any other :code: stays as written.
EMOJI = {
    ":x:": "✗",
    ":white_check_mark:": "✓",
    ":warning:": "⚠",
    ":rotating_light:": "🚨",
    ":zzz:": "💤",
    ":tada:": "🎉",
    ":trophy:": "🏆",
    ":no_entry:": "⛔",
    ":no_entry_sign:": "🚫",
    ":seedling:": "🌱",
    ":memo:": "📝",
    ":mag:": "🔍",
    ":information_source:": "ℹ",
    ":arrow_forward:": "▶",
    ":leftwards_arrow_with_hook:": "↩",
    ":speech_balloon:": "💬",
}
_STYLES = [
    re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"),  # *bold*
    re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"),  # _italic_
    re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"),  # ~strike~
]
_EMOJI = re.compile(r":[a-z0-9_+\-]+:")
FENCE = "```"


def emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m[0], m[0]), text)


def from_mrkdwn(text: str) -> str:
    """Links and mentions as their labels, formatting marks dropped, entities decoded;
    a ``` code block as its lines, verbatim (a table's columns keep their alignment)."""
    parts = text.split(FENCE)
    if len(parts) % 2 == 0:  # an unclosed fence is text Slack shows as written
        return _prose(text)
    return "".join(_code(part) if inside else _prose(part) for inside, part in _alternating(parts))


def _alternating(parts: list[str]) -> list[tuple[bool, str]]:
    return [(number % 2 == 1, part) for number, part in enumerate(parts)]


def _code(text: str) -> str:
    # The newlines that set the fences on lines of their own go with the fences.
    return text.removeprefix("\n").removesuffix("\n")


def _prose(text: str) -> str:
    # Slack's markup and entities read as Slack's own text reader does (bot.core.slack_text)
    text = readable(text)
    for style in _STYLES:
        text = style.sub(r"\1", text)
    return emoji(text)


def text_of(obj: object) -> str:
    """A text object (plain_text or mrkdwn) as plain text; anything else as empty."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return ""
    return from_mrkdwn(obj["text"]) if obj.get("type") == "mrkdwn" else emoji(obj["text"])
