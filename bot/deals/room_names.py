"""A deal room's Slack channel name, from the deal's name (docs/deal-rooms.md).

Slack takes lower-case letters, digits, hyphens and underscores, at most 80 characters,
and refuses a name of nothing but hyphens and underscores. The deal's name is folded as a
search folds it (storage/name_keys.py: case, accents and Turkish's i's ignored), every run
of anything else becomes one hyphen, and `deal-` comes first, so the name is never empty
nor all punctuation. A name Slack says is taken is tried again with `-2`, `-3`…
"""

from __future__ import annotations

import re

from storage.name_keys import fold

PREFIX = "deal-"
MAX_LENGTH = 80  # Slack's limit on a channel name
TRIES = 5  # the name, then -2 … -5
VALID = re.compile(r"[a-z0-9_-]{1,80}")
_OTHER = re.compile(r"[^a-z0-9_]+")


def room_name(deal_name: str, deal_id: int, attempt: int = 1) -> str:
    """The name to ask for on `attempt` (1: no suffix); a name that folds to nothing Slack
    takes (emoji, another script) is the deal's number."""
    slug = _OTHER.sub("-", fold(deal_name)).strip("-_") or str(deal_id)
    suffix = f"-{attempt}" if attempt > 1 else ""
    room = f"{PREFIX}{slug}"[: MAX_LENGTH - len(suffix)].rstrip("-_")
    return f"{room}{suffix}"


def room_names(deal_name: str, deal_id: int) -> tuple[str, ...]:
    """Every name to try, in order."""
    return tuple(room_name(deal_name, deal_id, attempt) for attempt in range(1, TRIES + 1))
