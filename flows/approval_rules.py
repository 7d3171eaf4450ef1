"""Who approves an exit item and when (`approval: {by, when}` in a map, docs/maps.md).

`when` is a condition in a deliberately tiny language, read once when the map loads and
never evaluated as code: one field of the deal (only `amount` today), a comparison, a
number. Anything else is refused with what would be right.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

# A Slack user or channel id as a map writes it: `@U0123ABCD`, `#C0123ABCD`.
_PERSON = re.compile(r"^@([UW][A-Z0-9]{2,20})$")
_CHANNEL = re.compile(r"^#([CG][A-Z0-9]{2,20})$")
_CONDITION = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|==|>|<)\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*$")
FIELDS = ("amount",)
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


class ApproverKind(StrEnum):
    MANAGER = "manager"  # the deal owner's manager (an admin when they have none)
    ADMIN = "admin"  # any admin of the workspace
    PERSON = "person"  # one named user
    CHANNEL = "channel"  # whoever answers in a named channel


@dataclass(frozen=True, slots=True)
class Approver:
    kind: ApproverKind
    target: str | None = None  # the user or channel id, for a person or a channel

    @property
    def written(self) -> str:
        """As the map wrote it: `manager`, `admin`, `@U…`, `#C…`."""
        if self.kind is ApproverKind.PERSON:
            return f"@{self.target}"
        if self.kind is ApproverKind.CHANNEL:
            return f"#{self.target}"
        return self.kind.value


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str
    value: float

    def holds(self, amount: float | None) -> bool:
        """Whether the deal needs the approval. An unknown amount needs it: a deal with no
        amount yet is not known to be small."""
        return amount is None or OPERATORS[self.op](amount, self.value)

    @property
    def written(self) -> str:
        return f"{self.field} {self.op} {self.value:g}"


def parse_approver(text: str) -> Approver:
    """ValueError, saying what is allowed, for anything but the four forms."""
    said = text.strip()
    if said in (ApproverKind.MANAGER, ApproverKind.ADMIN):
        return Approver(ApproverKind(said))
    if found := _PERSON.match(said):
        return Approver(ApproverKind.PERSON, found.group(1))
    if found := _CHANNEL.match(said):
        return Approver(ApproverKind.CHANNEL, found.group(1))
    raise ValueError(
        "an approver is `manager`, `admin`, a Slack user id as `@U0123ABCD` "
        "or a channel id as `#C0123ABCD`"
    )


def parse_condition(text: str) -> Condition:
    """ValueError, saying what is allowed, for anything but `<field> <op> <number>`."""
    found = _CONDITION.match(text)
    if found is None:
        raise ValueError(
            "a condition is a field, a comparison and a number, such as `amount >= 100000` "
            "(comparisons: >=, >, <=, <, ==)"
        )
    field, op, number = found.groups()
    if field not in FIELDS:
        raise ValueError(
            f"`{field}` is not a field a condition can read; it may read: {', '.join(FIELDS)}"
        )
    return Condition(field, op, float(number.replace("_", "").replace(",", "")))
