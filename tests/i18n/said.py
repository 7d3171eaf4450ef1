"""Everything a person was shown: the text of every acknowledgement and every Web API call
the app made (messages, ephemerals, forms, App Home, files), as Slack would render it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flows.i18n import PSEUDO_CLOSE, PSEUDO_OPEN
from flows.schema import ProcessMap

# Keys whose strings are machine values, never shown: ids, button values, metadata, URLs.
_HIDDEN = {
    "action_id", "block_id", "callback_id", "private_metadata", "value", "url", "image_url",
    "channel", "channel_id", "user", "users", "ts", "thread_ts", "external_id", "type",
    "style", "response_action", "response_type", "trigger_id", "view_id", "hash", "filename",
    "filetype", "file", "content", "token", "team_id", "initial_date", "initial_time",
}  # fmt: skip
_SHOWN_STRINGS = {"text", "alt_text", "initial_comment", "title", "fallback", "placeholder"}


def shown_texts(value: Any) -> Iterator[str]:
    """Every string a person reads in a JSON value the app sent (blocks, views, messages)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in _HIDDEN:
                continue
            if isinstance(inner, str):
                if key in _SHOWN_STRINGS:
                    yield inner
            else:
                yield from shown_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from shown_texts(inner)


def map_texts(process_map: ProcessMap) -> set[str]:
    """What the map's authors wrote (names, definitions, items, playbook): data, not the
    interface, shown in whatever language the map is written in."""
    found: set[str] = {process_map.title, process_map.description or "", *process_map.lost_reasons}
    for stage in process_map.stages:
        found |= {stage.name, stage.entry, stage.owner, *stage.activities}
        found |= {*stage.triggers, *stage.friction}
        for item in stage.exit:
            found.add(item.text)
            if item.evidence:
                found |= {item.evidence.prompt, *(str(c) for c in item.evidence.options)}
        for entry in stage.playbook:
            found |= {entry.objection, entry.response, entry.category, entry.next_step}
            found |= {*entry.explore, entry.proof or ""}
    found.add(process_map.id)  # the map's id, which settings show and a user types
    # A card writes a stage's triggers and friction as one sentence, each without its stop.
    return {shown for text in found if text for shown in (text, text.rstrip("."))}


# Mentions and links; code spans and commands, typed as they are in every language.
_MENTION = re.compile(r"<[@#!][^>]*>|<https?://[^>]*>|`[^`]*`|/deal(?: [a-z_-]+)?")
# The innermost translated span: a translated value put into a translated sentence nests
# (⟦Usage: /deal lose <⟦reason⟧>⟧), and the whole sentence is the translation.
_PSEUDO_SPAN = re.compile(
    re.escape(PSEUDO_OPEN) + f"[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*" + re.escape(PSEUDO_CLOSE)
)
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_CUT_AT_LEAST = 12  # characters of a long text shown cut short ("Confirm the company…")
_WORD = re.compile(r"[A-Za-z][A-Za-z']+[A-Za-z]")  # "deal's", not the quote after 'word'


# What the pseudo-locale keeps as it is inside a translated span (flows.i18n._VERBATIM), as
# Slack shows it: <…> tokens escaped, code spans, emoji, commands, options, CONSTANTS.
_KEPT_IN_SPAN = re.compile(
    r"&lt;[^&]*&gt;|<[^<>]*>|`[^`]*`|:[a-z0-9_+-]+:|/deal(?: [a-z_-]+)?|--[a-z-]+"
    r"|\b[A-Z][A-Z0-9_]{2,}\b"
)


def untranslated_words(text: str, *, data: Iterable[str], allowed: set[str]) -> list[str]:
    """In a pseudo-locale run: the plain English words left in `text` once the data (`data`:
    names people and maps wrote), mentions and links are taken out. A translated span is
    accented throughout, so a plain word inside one is a value put into its placeholder
    untranslated ("status: won")."""
    for known in sorted(data, key=len, reverse=True):
        text = _without_cut(text.replace(known, " "), known)
    text = _MENTION.sub(" ", _EMOJI.sub(" ", text))
    while PSEUDO_OPEN in text and (inner := _PSEUDO_SPAN.sub(_inside, text)) != text:
        text = inner  # innermost spans first, then the sentences around them
    return [w for w in _WORD.findall(text) if w.casefold() not in allowed]


def _inside(span: re.Match[str]) -> str:
    """A translated span without what the pseudo-locale keeps as it is: the values its
    placeholders were given are what is left in plain letters."""
    return f" {_KEPT_IN_SPAN.sub(' ', span.group()[1:-1])} "


def _without_cut(text: str, known: str) -> str:
    """`text` without `known` shown cut short with an ellipsis (views.limits.shortened)."""
    if "…" not in text or len(known) < _CUT_AT_LEAST:
        return text
    for end in range(len(known) - 1, _CUT_AT_LEAST - 1, -1):
        cut = known[:end].rstrip(" ,.;:") + "…"
        if cut in text:
            return text.replace(cut, " ")
    return text
