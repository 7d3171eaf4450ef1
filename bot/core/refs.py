"""Which deal a command or a click is about, as a typed value.

A person names a deal by number (`#42`), by the start of its name (`acme`), or not at
all (the channel's bound deal, else their most recently touched deal); a click names the
deal its card showed and the stage the card was in. The parser (bot.commands) and the
Slack listeners build one of these; the use cases take it as it is (bot.deals.lookup
resolves it). The one exception is deliberate: with no deal named, the start of a command's
free text may still name one (bot.deals.naming).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DealNumber:
    """`#42` or `42`: the deal with that number in the user's workspace."""

    deal_id: int


@dataclass(frozen=True, slots=True)
class DealName:
    """The start of a deal's name, as the user typed it (matched case-insensitively)."""

    prefix: str


@dataclass(frozen=True, slots=True)
class CurrentDeal:
    """No deal named: the deal bound to the channel, else the user's last deal."""


@dataclass(frozen=True, slots=True)
class SeenDeal:
    """A click on a card: the deal it showed and the stage it showed it in. A change is
    refused as stale when the deal has left that stage since (bot.deals.writes)."""

    deal_id: int
    stage: str


DealRef = DealNumber | DealName | CurrentDeal | SeenDeal

CURRENT = CurrentDeal()


def parse_deal_ref(text: str | None) -> DealRef:
    """What a person typed to name a deal: a number (with or without `#`), a name's start,
    or nothing."""
    stripped = (text or "").strip()
    if not stripped:
        return CURRENT
    number = deal_number(stripped)
    return DealNumber(number) if number is not None else DealName(stripped)


def deal_number(text: str) -> int | None:
    """`#42` or `42` → 42; anything else → None."""
    digits = text.strip().removeprefix("#")
    # ASCII digits only: str.isdigit() is also true for '²' and '①', which int() refuses.
    if digits.isascii() and digits.isdigit() and len(digits) <= 40:
        return int(digits)
    return None
