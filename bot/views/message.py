"""A message as the views build it: blocks plus the fallback text notifications read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import ActionsBlock, Block, Option, PlainTextObject

from bot.views.mrkdwn import escape_keeping_mentions


@dataclass(frozen=True)
class Message:
    """`text` is never empty: mobile notifications and screen readers read only it. It is
    plain text, as people read it; Slack reads a message's `text` as mrkdwn, so it is
    escaped here, once, on its way out: a deal called `<!here>` never notifies a channel."""

    text: str
    blocks: list[Block]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": escape_keeping_mentions(self.text),
            "blocks": [as_json(block) for block in self.blocks],
        }


def as_json(value: Any) -> Any:
    """What slack_sdk's `to_dict()` gives for a Block Kit model, without its checks.

    `to_dict()` runs every validator of every object on each call, and sorts and walks
    the attributes twice: for a stage card that was a quarter of the time a `/deal show`
    spends in Python. The views already keep to Slack's limits (bot.views.limits), and the
    tests hold this to `to_dict()`'s output, validators included, for every view
    (tests/views/test_views_outcomes.py). Classes that write their own `to_dict()` (options,
    confirm dialogs, …) keep it.
    """
    kind = type(value)
    if kind in _AS_IS:
        return value
    write = _WRITERS.get(kind)
    if write is None:
        write = _WRITERS[kind] = _writer_for(kind)
    return write(value)


# Dispatch on the exact type, found once per type: isinstance against slack_sdk's ABC
# base classes, for every value of every block, was a third of the serialising time.
_AS_IS: frozenset[type] = frozenset({str, int, float, bool, type(None), dict})
_WRITERS: dict[type, Callable[[Any], Any]] = {}


def _writer_for(kind: type) -> Callable[[Any], Any]:
    if issubclass(kind, Option):  # checkbox options: dozens per card
        return _option
    if issubclass(kind, JsonObject):
        return _model if kind.to_dict is JsonObject.to_dict else _own_to_dict
    if issubclass(kind, (list, tuple)):
        return _sequence
    return _as_is


def _model(value: JsonObject) -> dict[str, Any]:
    return {
        key: as_json(item) for key in _keys(value) if _present(item := getattr(value, key, None))
    }


def _own_to_dict(value: JsonObject) -> Any:
    return value.to_dict()


def _sequence(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [as_json(item) for item in value]


def _as_is(value: Any) -> Any:
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


def without_controls(message: Message) -> Message:
    """The message without its buttons, menus and checkboxes: for a copy that everyone in a
    channel sees, where one person's click would change it for all of them."""
    blocks = [block for block in message.blocks if not isinstance(block, ActionsBlock)]
    return Message(text=message.text, blocks=blocks)
