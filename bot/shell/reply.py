"""What one line typed in the shell produced: the surfaces to show, a modal to fill in,
the payloads exchanged (for `say --json`), and whether it was an error reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.shell.screen import Surface
from bot.slack.runtime import sorry
from flows.i18n import LANGUAGES, N_, _, using_locale

JsonDict = dict[str, Any]

# How the views mark a failure (bot/views/failures.py, help.py, runtime.sorry): the
# first section of a failure starts with its emoji; a blocked or stale card carries a
# "Try:" context under it; a parse error's fallback text starts with ":x:". Success
# notices start with other emoji (a reopen's 🔄 too, so 🔄 alone is not a failure).
# The text is in the language of whoever the reply was for, so the "Try:" lead and the
# apology are looked for in every language stagecoach speaks.
FAILURE_LEADS = (":x:", ":mag:")
TRY_LEAD = N_("Try:")


def _in_every_language(say: Callable[[], str]) -> set[str]:
    said = set()
    for language in LANGUAGES:
        with using_locale(language):
            said.add(say())
    return said


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request the shell sent as Slack, the acknowledgement, and the Web API calls
    (and response URL posts) the app made for it."""

    request: str  # the payload type: slash_command, block_actions, view_submission, event
    ack: JsonDict | None
    calls: list[JsonDict]

    def to_json(self) -> JsonDict:
        return {"request": self.request, "ack": self.ack, "calls": self.calls}


@dataclass(slots=True)
class Reply:
    surfaces: list[Surface] = field(default_factory=list)
    modal: JsonDict | None = None  # a modal the app opened (or that is still open)
    form_errors: dict[str, str] = field(default_factory=dict)  # block id → error
    exchanges: list[Exchange] = field(default_factory=list)
    problem: str | None = None  # the shell's own refusal ("there is no choice 9")
    note: str | None = None  # the shell's own news ("you are maria, in #sales")
    files: list[tuple[str, str]] = field(default_factory=list)  # (title, where it was saved)

    @property
    def failed(self) -> bool:
        return bool(self.problem or self.form_errors) or any(map(is_failure, self.surfaces))

    def extend(self, other: Reply) -> None:
        self.surfaces += other.surfaces
        self.modal = other.modal
        self.form_errors = other.form_errors
        self.exchanges += other.exchanges
        self.problem = other.problem or self.problem
        self.note = other.note or self.note
        self.files += other.files


def is_failure(surface: Surface) -> bool:
    if surface.kind == "home":
        return False
    if surface.text.startswith(":x:") or surface.text in _in_every_language(lambda: sorry().text):
        return True
    texts = [_text_of(block) for block in surface.blocks]
    sections = [
        t for block, t in zip(surface.blocks, texts, strict=True) if block.get("type") == "section"
    ]
    contexts = [
        t for block, t in zip(surface.blocks, texts, strict=True) if block.get("type") == "context"
    ]
    if sections and sections[0].startswith(FAILURE_LEADS):
        return True
    leads = tuple(_in_every_language(lambda: _(TRY_LEAD)))
    return any(text.startswith(leads) for text in contexts)


def _text_of(block: JsonDict) -> str:
    text = block.get("text")
    if isinstance(text, dict):
        return str(text.get("text") or "")
    elements = block.get("elements")
    if block.get("type") == "context" and isinstance(elements, list) and elements:
        first = elements[0]
        return str(first.get("text") or "") if isinstance(first, dict) else ""
    return ""
