"""What the stand-in keeps about each call, and what Slack would have refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing Slack would refuse: in which call, by which rule, where in the arguments."""

    method: str
    rule: str
    error: str  # the Slack error name the call was answered with
    pointer: str  # JSON pointer into the call's arguments, as Slack's own messages give it
    detail: str

    @property
    def slack_message(self) -> str:
        """The line Slack puts in `response_metadata.messages`."""
        return f"[ERROR] {self.detail} [json-pointer:{self.pointer}]"

    def __str__(self) -> str:
        return f"{self.method}: {self.rule}: {self.detail} [{self.pointer}] -> {self.error}"


@dataclass(slots=True)
class RecordedCall:
    """One HTTP request the stand-in received, with what it answered."""

    method: str
    args: JsonDict
    headers: dict[str, str]
    token: str | None
    status: int = 200
    response: JsonDict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True


class SlackError(Exception):
    """Raised by a method handler: answer `ok: false` with Slack's error name."""

    def __init__(
        self, error: str, *, violations: Sequence[Violation] = (), status: int = 200
    ) -> None:
        super().__init__(error)
        self.error = error
        self.violations = tuple(violations)
        self.status = status

    def answer(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error": self.error}
        if self.violations:
            messages = [violation.slack_message for violation in self.violations]
            body["response_metadata"] = {"messages": messages}
        return body


def raise_if_any(violations: Sequence[Violation]) -> None:
    """Refuse the call with the first violation's error, reporting them all."""
    if violations:
        raise SlackError(violations[0].error, violations=violations)
