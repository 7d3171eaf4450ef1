"""Ticking and unticking exit items by number: `/deal tick [#deal] 1 3 2="budget 50k"`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import split_deal
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals.ticking import set_ticks
from flows.i18n import _

_ITEM_TOKEN = re.compile(r'(\w+)=("[^"]*"|\S+)|(\S+)')


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
    """`1 3 2="$50k budget"` → (("1", "3"), {"2": "$50k budget"}); commas also separate."""
    items: list[str] = []
    evidence: dict[str, str] = {}
    for match in _ITEM_TOKEN.finditer(text.replace(",", " ")):
        if match.group(1):
            evidence[match.group(1)] = match.group(2).strip('"')
        else:
            items.append(match.group(3))
    return tuple(items), evidence


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
    return await set_ticks(services, actor, args.ref, tick=args.items, evidence=args.evidence)


async def _untick(services: Services, actor: Actor, args: UntickArgs) -> Answer:
    return await set_ticks(services, actor, args.ref, untick=args.items)


TICK = CommandSpec(
    "tick",
    "/deal tick [#deal] <n…> [n=evidence]",
    _("Tick exit items by number; n=value records the evidence"),
    _parse_tick,
    _tick,
    ("/deal tick 1 3", '/deal tick 2="budget 50k"'),
)
UNTICK = CommandSpec(
    "untick",
    "/deal untick [#deal] <n…>",
    _("Untick exit items by number"),
    _parse_untick,
    _untick,
    ("/deal untick 2",),
)
