"""`/deal help` and parse errors, generated from the commands' registry."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.commands import BY_NAME, COMMANDS, CommandSpec, ParseError
from bot.commands.aliases import turkish_words
from bot.views.limits import SECTION_TEXT
from bot.views.message import Message
from bot.views.mrkdwn import clip, clip_escaped, escape, escape_keeping_mentions
from flows.i18n import N_, _

ECHO_LIMIT = 1000  # what a parse error quotes back of the user's text, at most
GROUP_TITLES = {"deals": N_("Deals"), "admin": N_("Admins")}


def help_message(topic: str | None) -> Message:
    if topic:
        spec = BY_NAME.get(topic.removeprefix("/deal ").strip())
        if spec is None:
            return parse_error_message(
                ParseError(
                    _("there is no /deal {topic}").format(topic=topic), BY_NAME["help"].usage_line
                )
            )
        return _one(spec)
    blocks: list[Block] = [HeaderBlock(text=_("stagecoach: /deal commands"))]
    for group, title in GROUP_TITLES.items():
        # `<name>` in a usage is text, not one of Slack's links: escaped like all of it
        lines = [
            f"`{escape(spec.said_usage)}` — {escape(spec.said_summary)}{_turkish(spec)}"
            for spec in COMMANDS
            if spec.group == group
        ]
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=text))
            for text in _sections([f"*{_(title)}*", *lines])
        ]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=_(
                        "A deal is `#42`, a name such as `acme`, or left out: then the channel's deal or your last one."
                    )
                )
            ]
        )
    )
    return Message(
        text=_("/deal commands: {names}").format(
            names=", ".join(f"`{spec.name}`" for spec in COMMANDS)  # typed: in code spans
        ),
        blocks=blocks,
    )


def _one(spec: CommandSpec[Any]) -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in spec.examples)
    usage, summary, details = spec.said_usage, spec.said_summary, spec.said_details
    shown_details = f"\n{escape(details)}" if details else ""
    text = f"*`{escape(usage)}`*{_turkish(spec)}\n{escape(summary)}{shown_details}" + (
        f"\n\n*{_('Examples')}*\n{examples}" if examples else ""
    )
    return Message(
        text=f"`{usage}` — {summary}" + (f" {details}" if details else ""),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def _turkish(spec: CommandSpec[Any]) -> str:
    """` (Turkish: `ilerlet`)`: the command's Turkish names (bot.commands.aliases)."""
    words = turkish_words(spec.name)
    if not words:
        return ""
    names = ", ".join(f"`{escape(word)}`" for word in words)
    return " " + _("(Turkish: {names})").format(names=names)


def parse_error_message(error: ParseError) -> Message:
    # The message may quote what the user typed, which can be any length: keep to Slack's
    # limits (slack_sdk refuses a section text over 3000 characters).
    lines = [f":x: {clip(error.message, ECHO_LIMIT)}", error.usage]
    shown = [f":x: {_echo(error.message)}", escape(error.usage)]
    if error.suggestion:
        try_it = _("Try: {suggestion}")
        lines.append(try_it.format(suggestion=clip(error.suggestion, ECHO_LIMIT)))
        shown.append(try_it.format(suggestion=_echo(error.suggestion)))
    return Message(
        text=" — ".join(lines),
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip("\n".join(shown), SECTION_TEXT)))],
    )


def _echo(text: str) -> str:
    """What the user typed, quoted back: escaped (and clipped within Slack's limits once
    escaped), the people it names shown as mentions."""
    return clip_escaped(text, ECHO_LIMIT, escaper=escape_keeping_mentions)


def _sections(lines: list[str]) -> list[str]:
    """Lines joined into as few section texts as Slack's limit allows (the command list
    outgrew one section once usages were escaped)."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= SECTION_TEXT:
            texts[-1] += "\n" + line
        else:
            texts.append(clip(line, SECTION_TEXT))
    return texts
