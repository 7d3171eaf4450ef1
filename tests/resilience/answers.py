"""What a user may be shown: a clear answer, never a traceback, never "something went wrong"
for input that was merely bad."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.slack.runtime import sorry
from tests.support.harness import Answer

# What Python puts in a traceback or an exception's repr; user input is checked for it too,
# so that an echo of what the user typed is not mistaken for a leak.
LEAKS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+"
    r"|\b(?:[A-Z][a-z]+)+(?:Error|Exception)\b|sqlalchemy|asyncpg|aiosqlite"
)
# How a refusal starts (failure views, parse errors, blocked cards, warnings); a stale card
# starts with 🔄 as a reopened one does, so it is not told apart here.
REFUSAL_MARKS = (":x:", ":mag:", "⛔", ":warning:")
NO_ACTOR = "This request has no user or workspace"


def reply_text(answer: Answer) -> str:
    """What an acknowledgement says: its JSON `text`, or the plain text Slack shows as is."""
    return answer.body if isinstance(answer.body, str) else answer.text


def words_of(message: Any) -> str:
    """Every string in a message (text and blocks), as one text to search."""
    return json.dumps(message, ensure_ascii=False) if not isinstance(message, str) else message


def assert_no_leak(message: Any, *, sent: str = "") -> None:
    """No traceback, exception name or driver name reaches the user (unless they typed it)."""
    said = words_of(message)
    for leak in LEAKS.findall(said):
        assert leak in sent, f"the reply leaks {leak!r}: {said[:500]}"


def assert_not_sorry(message: Any, *, sent: str = "") -> None:
    """Bad input deserves a specific answer, not the "something went wrong" apology."""
    assert sorry().text not in words_of(message), f"an apology for {sent[:200]!r}"


def is_refusal(message: dict[str, Any]) -> bool:
    """True when the message says no: a failure, a parse error, a stale or blocked card."""
    text = str(message.get("text") or "")
    if text.startswith(REFUSAL_MARKS) or text.startswith(NO_ACTOR):
        return True
    sections = [b for b in message.get("blocks") or [] if b.get("type") == "section"]
    first = str(sections[0].get("text", {}).get("text", "")) if sections else ""
    return first.startswith(REFUSAL_MARKS)
