"""Text as Slack sends it, read once at the edge (docs/slack-text.md).

Slack escapes `&`, `<` and `>` in what people type (`&amp;`, `&lt;`, `&gt;`) and, with the
manifest's `should_escape: true`, sends mentions, channels, links and broadcasts as markup:
`<@U02|dana>`, `<#C01|sales>`, `<https://x.io|x.io>`, `<!here>`. Two readings:

- `from_slack`: a command line as the person typed it, except that user, channel and user
  group mentions stay markup, because the grammar reads them as structure (`/deal new Acme 5k
  @dana`: dana owns it). Broadcasts become the words typed (`@here`), links their label.
- `as_text`: free text (a deal's name, a reason, a note) as it reads, mentions included
  (`@dana`, `#sales`), so that the name typed into a command and into a form are the same.

Core knows Slack's text format, never its SDK (like bot.core.slack_ids).
"""

from __future__ import annotations

import re

from bot.core.slack_ids import CHANNEL_ID, USER_ID, USERGROUP_ID

# `<target>` or `<target|label>`: Slack's one markup shape. Inside it, Slack escapes `<`,
# `>` and `&` too, so neither may appear unescaped in a target or a label.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_USER = re.compile(rf"@({USER_ID})")
_CHANNEL = re.compile(rf"#({CHANNEL_ID})")
# The markup `from_slack` keeps: only these, so that a literal `<EU>` typed in a name (and
# decoded from `&lt;EU&gt;`) is left alone by `as_text`.
_MENTION = re.compile(
    rf"<((?:@{USER_ID})|(?:#{CHANNEL_ID})|(?:!subteam\^{USERGROUP_ID}))(?:\|([^<>]*))?>"
)
_SUBTEAM = re.compile(rf"!subteam\^({USERGROUP_ID})")
# What `<!…>` broadcasts and user groups read as: `<!here>` → `@here`,
# `<!subteam^S01|@sales>` → `@sales` (its label), `<!date^…|Jan 1>` → `Jan 1`.
_BROADCASTS = ("here", "channel", "everyone")


def unescape(text: str) -> str:
    """Slack's three entities decoded, `&amp;` last so that `&amp;lt;` stays `&lt;`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def from_slack(wire: str) -> str:
    """A command's text as typed, keeping user and channel mentions as markup (no label is
    lost: `<@U02|dana>` stays so). Literal `<` and `>` come back as typed: a person who
    types markup by hand (`<@U02>`) gets what that markup means, which is what Slack's own
    clients do with it too."""
    return _decode(wire, keep_mentions=True)


def readable(wire: str) -> str:
    """Any Slack text as people read it: entities decoded and every piece of markup as what
    it shows (`<@U02|dana>` → `@dana`, `<!here>` → `@here`, a link → its label)."""
    return _decode(wire, keep_mentions=False)


def as_text(text: str) -> str:
    """Free text as it reads: mentions as `@label` (`@U02` without one), channels as
    `#label`. Takes `from_slack`'s output or a form's plain value alike."""
    return _MENTION.sub(_readable, text)


def _decode(wire: str, *, keep_mentions: bool) -> str:
    parts: list[str] = []
    last = 0
    for match in _MARKUP.finditer(wire):
        parts.append(unescape(wire[last : match.start()]))
        parts.append(_kept(match) if keep_mentions and _is_mention(match) else _readable(match))
        last = match.end()
    parts.append(unescape(wire[last:]))
    return "".join(parts)


def _is_mention(match: re.Match[str]) -> bool:
    target = match[1]
    return bool(_USER.fullmatch(target) or _CHANNEL.fullmatch(target) or _SUBTEAM.fullmatch(target))


def _kept(match: re.Match[str]) -> str:
    target, label = match[1], match[2]
    return f"<{target}|{unescape(label)}>" if label else f"<{target}>"


def _readable(match: re.Match[str]) -> str:
    target, label = match[1], unescape(match[2]) if match[2] is not None else None
    if target[:1] in ("@", "#"):  # a person or a channel: its name, marked as Slack shows it
        return target[0] + label if label else target
    if target.startswith("!"):
        return _special(target[1:], label)
    return label if label else unescape(target)


def _special(command: str, label: str | None) -> str:
    """`!here`, `!channel`, `!everyone` read as the words typed; a user group or a date
    reads as its label (Slack always sends one)."""
    name, _caret, detail = command.partition("^")
    if name in _BROADCASTS:
        return f"@{name}"
    return label or f"@{detail or name}"
