"""A message as the views build it: blocks plus the fallback text notifications read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block, Option, PlainTextObject


@dataclass(frozen=True)
class Message:
    """`text` is never empty: mobile notifications and screen readers read only it."""

    text: str
    blocks: list[Block]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": [as_json(block) for block in self.blocks]}


def as_json(value: Any) -> Any:
    """What slack_sdk's `to_dict()` gives for a Block Kit model, without its checks.

    `to_dict()` runs every validator of every object on each call, and sorts and walks
    the attributes twice: for a stage card that was a quarter of the time a `/deal show`
    spends in Python. The views already keep to Slack's limits (bot.views.limits), and the
    tests hold this to `to_dict()`'s output, validators included, for every view
    (tests/bot/test_views_outcomes.py). Classes that write their own `to_dict()` (options,
    confirm dialogs, …) keep it.
    """
    if isinstance(value, Option):  # checkbox options: dozens per card
        return _option(value)
    if isinstance(value, JsonObject):
        if type(value).to_dict is not JsonObject.to_dict:
            return value.to_dict()
        return {
            key: as_json(item)
            for key in _keys(value)
            if _present(item := getattr(value, key, None))
        }
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    return value


def _option(option: Option) -> dict[str, Any]:
    # Option.to_dict("block"), the shape inside blocks, as slack_sdk writes it
    text = option._text or PlainTextObject.from_str(option.label or "")
    found: dict[str, Any] = {"text": as_json(text), "value": option.value}
    if option._block_description:
        found["description"] = as_json(option._block_description)
    if option.url:
        found["url"] = option.url
    return found


_KEYS: dict[type, list[str]] = {}


def _keys(model: JsonObject) -> list[str]:
    # `attributes` is a property that builds a new set on every read; it is the same for
    # every object of a class, so its sorted keys are kept per class
    keys = _KEYS.get(type(model))
    if keys is None:
        keys = _KEYS[type(model)] = sorted(model.attributes)
    return keys


def _present(value: Any) -> bool:
    # slack_sdk leaves out None and empty collections (its few exceptions are rich-text
    # blocks, which the views never build)
    if value is None:
        return False
    return len(value) > 0 if hasattr(value, "__len__") else True
