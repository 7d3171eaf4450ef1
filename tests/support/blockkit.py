"""Finding elements in the blocks the app sent, as a person scanning a card would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JsonDict = dict[str, Any]


def elements(blocks: list[JsonDict]) -> Iterator[tuple[JsonDict, JsonDict]]:
    """Every (block, interactive element) pair, in order."""
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            yield block, element
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            yield block, accessory


def find(blocks: list[JsonDict], action_id: str) -> tuple[JsonDict, JsonDict]:
    for block, element in elements(blocks):
        if element.get("action_id") == action_id:
            return block, element
    raise AssertionError(
        f"no element {action_id!r} in {[e.get('action_id') for _b, e in elements(blocks)]}"
    )


def has(blocks: list[JsonDict], action_id: str) -> bool:
    return any(element.get("action_id") == action_id for _b, element in elements(blocks))


def text_of(blocks: list[JsonDict]) -> str:
    """All the visible text, for `in` assertions."""
    from bot.views.text import render_text

    return render_text(blocks)
