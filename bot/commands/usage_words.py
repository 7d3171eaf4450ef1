"""A usage line in the reader's language: the command, its options and keywords are typed
as they are in every language (`/deal list [mine|team|all]`), the placeholders that stand
for what the user writes (`<reason>`, `[deal]`, `#channel`) are translated where shown.

A spec keeps its usage in English (the README's table and the parsers' tests read it as
written); `shown_usage` translates the placeholders in it. A placeholder is a word of
`PLACEHOLDERS` in one of the places the usages put one: inside `<…>` (each `|` choice
alone), alone in `[…]`, or after `#`, `@` or `=`. A keyword inside brackets with more after
it (`[stage <stage>]`, `[team|all|owner @user]`) is typed, and stays.
"""

from __future__ import annotations

import re

from flows.i18n import N_, _

PLACEHOLDERS = {
    "amount": N_("amount"),
    "channel": N_("channel"),
    "code": N_("code"),
    "command": N_("command"),
    "date": N_("date"),
    "deal": N_("deal"),
    "events": N_("events"),
    "evidence": N_("evidence"),
    "group": N_("group"),
    "id": N_("id"),
    "manager": N_("manager"),
    "name": N_("name"),
    "note": N_("note"),
    "owner": N_("owner"),
    "period": N_("period"),
    "quota": N_("quota"),
    "reason": N_("reason"),
    "rep": N_("rep"),
    "stage": N_("stage"),
    "text": N_("text"),
    "user": N_("user"),
    "value": N_("value"),
    "version": N_("version"),
    "what is missing": N_("what is missing"),
    "words": N_("words"),
    "zone": N_("zone"),
}

_WORDS = "|".join(re.escape(word) for word in sorted(PLACEHOLDERS, key=len, reverse=True))
_PLACEHOLDER = re.compile(
    rf"(?<=<)(?:{_WORDS})(?=[>|])"  # <reason>, <code|none>
    rf"|(?<=\|)(?:{_WORDS})(?=>)"  # <none|code>
    rf"|(?<=\[)(?:{_WORDS})(?=\])"  # [deal], but not [stage <stage>]
    rf"|(?<=[#@=])(?:{_WORDS})\b"  # #deal, @user, @rep…, n=evidence
)


def shown_usage(usage: str) -> str:
    """`usage` with its placeholders in the current language."""
    return _PLACEHOLDER.sub(lambda found: _(PLACEHOLDERS[found.group()]), usage)
