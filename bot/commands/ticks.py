"""Ticking and unticking exit items by number: `/deal tick [#deal] 1 3 2="budget 50k"`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import split_deal
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals.naming import Named, deal_named_in_text
from bot.deals.outcomes import WhichDeal
from bot.deals.ticking import set_ticks
from flows.i18n import N_, _
from flows.schema import MAX_EXIT_ITEMS

# A word: `n="a quoted value, with spaces"`, `n=value`, or anything else up to a space.
_WORD = re.compile(r'\w+="[^"]*"?|\S+')
_EVIDENCE = re.compile(r"(?P<item>\w+)=(?P<value>.*)", re.S)
_ITEM_WORD = re.compile(r"^[\w,]+$")  # item numbers or ids, perhaps run together with commas


@dataclass(frozen=True, slots=True)
class TickArgs:
    ref: DealRef
    items: tuple[str, ...]  # item numbers (as the card shows them) or ids
    evidence: Mapping[str, str] = field(default_factory=dict)  # item → what proves it


@dataclass(frozen=True, slots=True)
class UntickArgs:
    ref: DealRef
    items: tuple[str, ...]


def _items_and_evidence(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """`1 3 2="$50k budget"` → (("1", "3"), {"2": "$50k budget"}); commas also separate
    items. A value keeps its punctuation: quoted, it is what stands between the quotes;
    unquoted, it runs on over the following words until the next item number or `n=`
    (`4=it's Q1, maybe 5` → {"4": "it's Q1, maybe"} and item 5; `5=15 Jan 2027` keeps
    its year, which no checklist numbers)."""
    items: list[str] = []
    evidence: dict[str, str] = {}
    unquoted: set[str] = set()  # their values end at a comma that separates, not their own
    open_item: str | None = None  # an unquoted value still taking words
    for word in _WORD.findall(text.replace("“", '"').replace("”", '"')):
        given = _EVIDENCE.fullmatch(word)
        if given:
            item, value = given["item"], given["value"]
            quoted = value.startswith('"')
            evidence[item] = value.strip('"') if quoted else value
            unquoted = unquoted - {item} if quoted else unquoted | {item}
            open_item = None if quoted else item
        elif open_item is not None and not _is_item_number(word):
            evidence[open_item] = f"{evidence[open_item]} {word}"
        else:
            open_item = None
            items.extend(part for part in word.split(",") if part)
    for item in unquoted:
        evidence[item] = evidence[item].strip().rstrip(",")
    return tuple(items), evidence


def _is_item_number(word: str) -> bool:
    """`3` or `3,5`: numbers a checklist can have (a stage holds at most MAX_EXIT_ITEMS),
    so a year or an amount in an unquoted value (`5=15 Jan 2027`) stays in the value."""
    parts = [part for part in word.split(",") if part]
    return bool(parts) and all(
        part.isascii() and part.isdigit() and int(part) <= MAX_EXIT_ITEMS for part in parts
    )


def _which_items(name: str) -> Refused:
    return Refused(
        _("which items? give their numbers"), _("e.g. /deal {name} 1 3").format(name=name)
    )


def _parse_tick(rest: str) -> TickArgs | Refused:
    ref, text = split_deal(rest)
    items, evidence = _items_and_evidence(text)
    if not items and not evidence:
        return _which_items("tick")
    return TickArgs(ref, items, evidence)


def _parse_untick(rest: str) -> UntickArgs | Refused:
    ref, text = split_deal(rest)
    items, evidence = _items_and_evidence(text)
    if not items and not evidence:
        return _which_items("untick")
    if evidence:
        return Refused(_("untick takes item numbers only"))
    return UntickArgs(ref, items)


async def _tick(services: Services, actor: Actor, args: TickArgs) -> Answer:
    named = await _named_before_items(services, actor, "tick", args.ref, args.items, args.evidence)
    if isinstance(named, WhichDeal):
        return named
    items = tuple(named.text.split())
    return await set_ticks(services, actor, named.ref, tick=items, evidence=args.evidence)


async def _untick(services: Services, actor: Actor, args: UntickArgs) -> Answer:
    named = await _named_before_items(services, actor, "untick", args.ref, args.items, {})
    if isinstance(named, WhichDeal):
        return named
    return await set_ticks(services, actor, named.ref, untick=tuple(named.text.split()))


async def _named_before_items(
    services: Services,
    actor: Actor,
    command: str,
    ref: DealRef,
    items: tuple[str, ...],
    evidence: Mapping[str, str],
) -> Named | WhichDeal:
    """`/deal tick initech 1`: the words before the first item number may name the deal.
    Item ids are words too (`/deal tick budget problem`): with no item number after them,
    the words are items. A question keeps the evidence in each choice's text."""
    before = next((n for n, item in enumerate(items) if item.isdigit()), 0)
    if before == 0:
        return Named(ref, " ".join(items))
    named = await deal_named_in_text(
        services,
        actor,
        ref,
        " ".join(items),
        command=command,
        name_words=before,
        ask_beside_current=False,
    )
    if not isinstance(named, WhichDeal):
        return named
    given = " ".join(f'{item}="{value}"' for item, value in evidence.items())
    choices = tuple(replace(c, text=f"{c.text} {given}".strip()) for c in named.choices)
    return replace(named, choices=choices)


TICK = CommandSpec(
    "tick",
    "/deal tick [#deal] <n…> [n=evidence]",
    N_(
        "Tick exit items by number; an item that asks for evidence takes n=value, or opens its form"
    ),
    _parse_tick,
    _tick,
    ("/deal tick 1 3", '/deal tick 2="Jane Doe, CFO"', "/deal tick 5=15 Jan 2027"),
)
UNTICK = CommandSpec(
    "untick",
    "/deal untick [#deal] <n…>",
    N_("Untick exit items by number"),
    _parse_untick,
    _untick,
    ("/deal untick 2",),
)
