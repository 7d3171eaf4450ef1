"""A message as the views build it: blocks plus the fallback text notifications read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block


@dataclass(frozen=True)
class Message:
    """`text` is never empty: mobile notifications and screen readers read only it."""

    text: str
    blocks: list[Block]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": [block.to_dict() for block in self.blocks]}
