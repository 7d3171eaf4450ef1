"""Checking stage entries: every format's adapter (bot.history.formats) reads its files into
`SourceRow`s, one stage entry each as the file states it, and `check_row` turns each into a
`HistoryRow` the importer can write, or a `Rejected` naming the file, line and why.

The native format is the one the README documents under "KPIs, plans and history import":
header deal_id,deal_name,owner,amount,currency,stage,entered_at,reason (any column order;
extra columns are ignored).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from bot.core.values import Amount, BadValue, parse_amount
from bot.deals.creating import clean_name
from bot.history.mapping import Mappings
from flows.i18n import _
from flows.schema import ProcessMap, StageKind

COLUMNS = ("deal_id", "deal_name", "owner", "amount", "currency", "stage", "entered_at", "reason")
REQUIRED = ("deal_id", "stage", "entered_at")
MAX_EXTERNAL_ID = 64
_CURRENCY = re.compile(r"^[A-Z]{3}$")
REASON_REQUIRED = (StageKind.LOST, StageKind.DISQUALIFIED)
Key = TypeVar("Key")
Value = TypeVar("Value")


class HistoryFormatError(ValueError):
    """A file cannot be read as a stage history at all (no header, missing columns)."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One stage entry as a file states it, not yet checked."""

    file: str
    line: int
    deal_id: str
    stage: str  # the CRM's stage name, or a stage id of the map
    entered_at: str
    name: str = ""
    owner: str = ""  # a Slack id, or the CRM's owner id / email / name
    amount: str = ""
    currency: str = ""
    reason: str = ""
    reason_column: str = "reason"  # where the file keeps a loss's reason: named when missing


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    deal_id: str | None
    problem: str
    file: str = ""
    knock_on: bool = False  # good in itself, refused because its deal has a bad row


@dataclass(frozen=True, slots=True)
class HistoryRow:
    line: int
    deal_id: str
    name: str | None
    owner: str | None
    amount: Amount | None
    currency: str | None
    stage: str
    at: dt.datetime
    reason: str | None
    file: str = ""
    crm_owner: str | None = None  # the CRM owner given to the default owner, if so
    crm_stage: str = ""  # the stage as the file names it (several may map to one of ours)


MEMO_MOST = 10_000  # distinct texts remembered per look-up; past that the memo starts over


class RowChecker:
    """`check_row` for one import. A file names a few stages, owners and amounts again and
    again (11 million rows, some dozens of stages and owners): each distinct text is looked
    up once (a stage name against the mapping and the map, an amount parsed), not once a
    row. The memos are bounded, and live as long as the import, in one locale (an amount's
    reading depends on it)."""

    def __init__(self, mappings: Mappings, *, process_map: ProcessMap, now: dt.datetime) -> None:
        self.mappings = mappings
        self.process_map = process_map
        self.now = now
        self.kinds = {stage.id: stage.kind for stage in process_map.stages}
        self._stages: dict[str, str | BadValue] = {}
        self._owners: dict[str, tuple[str | None, str | None] | BadValue] = {}
        self._money: dict[tuple[str, str], tuple[Amount | None, str | None] | BadValue] = {}

    def rows(self, rows: Iterable[SourceRow]) -> tuple[list[HistoryRow], list[Rejected]]:
        good: list[HistoryRow] = []
        rejected: list[Rejected] = []
        for row in rows:
            checked = check_row(row, self)
            (good if isinstance(checked, HistoryRow) else rejected).append(checked)  # type: ignore[arg-type]
        return good, rejected

    def stage_of(self, name: str) -> str | BadValue:
        found = self._stages.get(name)
        if found is None:
            found = _remember(self._stages, name, self.mappings.stage_of(name, self.process_map))
        return found

    def owner_of(self, owner: str) -> tuple[str | None, str | None] | BadValue:
        found = self._owners.get(owner)
        if found is None:
            found = _remember(self._owners, owner, self.mappings.owner_of(owner))
        return found

    def money(self, amount: str, currency: str) -> tuple[Amount | None, str | None] | BadValue:
        found = self._money.get((amount, currency))
        if found is None:
            found = _remember(self._money, (amount, currency), _money(amount, currency))
        return found


def _remember(memo: dict[Key, Value], key: Key, value: Value) -> Value:
    """`value` kept under `key` (a memo past MEMO_MOST starts over: bounded memory)."""
    if len(memo) >= MEMO_MOST:
        memo.clear()
    memo[key] = value
    return value


def check_row(row: SourceRow, checker: RowChecker) -> HistoryRow | Rejected:
    deal_id = row.deal_id.strip() or None

    def reject(problem: str) -> Rejected:
        return Rejected(line=row.line, deal_id=deal_id, problem=problem, file=row.file)

    if deal_id is None:
        return reject(_("the deal id is empty"))
    if len(deal_id) > MAX_EXTERNAL_ID:
        return reject(_("deal_id is longer than {most} characters").format(most=MAX_EXTERNAL_ID))
    where = _stage_and_time(row, checker)
    if isinstance(where, str):
        return reject(where)
    stage, at = where
    money = checker.money(row.amount, row.currency)
    if isinstance(money, BadValue):
        return reject(money.message)
    owner = checker.owner_of(row.owner.strip())
    if isinstance(owner, BadValue):
        return reject(owner.message)
    reason = " ".join(row.reason.split()) or None
    if reason is None and checker.kinds[stage] in REASON_REQUIRED:
        return reject(_missing_reason(stage, row))
    return HistoryRow(
        line=row.line,
        deal_id=deal_id,
        name=clean_name(row.name) or None,
        owner=owner[0],
        amount=money[0],
        currency=money[1],
        stage=stage,
        at=at,
        reason=reason,
        file=row.file,
        crm_owner=owner[1],
        crm_stage=row.stage.strip(),
    )


def _missing_reason(stage: str, row: SourceRow) -> str:
    return _("a reason is required on a {stage} row (column {column})").format(
        stage=stage, column=row.reason_column
    )


def _stage_and_time(row: SourceRow, checker: RowChecker) -> tuple[str, dt.datetime] | str:
    """The map stage the row enters and when, or what is wrong with either."""
    stage = checker.stage_of(row.stage)
    if isinstance(stage, BadValue):
        return stage.message
    at = parse_entered_at(row.entered_at)
    if isinstance(at, BadValue):
        return f"{at.message} ({at.hint})"
    if at > checker.now:
        return _("entered_at {at} is in the future").format(at=row.entered_at)
    return stage, at


def parse_entered_at(text: str) -> dt.datetime | BadValue:
    """ISO 8601 date or date-time, with or without zone; no zone means UTC."""
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return BadValue(
            _("'{text}' is not an ISO date or date-time").format(text=text),
            _("e.g. 2026-01-15 or 2026-01-15T09:30:00+01:00"),
        )
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _money(amount: str, currency: str) -> tuple[Amount | None, str | None] | BadValue:
    code = currency.strip().upper() or None
    if code is not None and not _CURRENCY.match(code):
        return BadValue(
            _("currency '{code}' is not a 3-letter code").format(code=currency), "e.g. USD"
        )
    if not amount.strip():
        return None, code
    parsed = parse_amount(amount)
    if isinstance(parsed, BadValue):
        return parsed
    return parsed, code or parsed.currency
