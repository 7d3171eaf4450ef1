"""Reading a stage-history CSV (the format the README documents under "KPIs, plans and
history import") into checked rows.

Each row is checked on its own; a bad row is rejected with its line number and why, and
the good rows go on. Header: deal_id,deal_name,owner,amount,currency,stage,entered_at,reason
(any column order; extra columns are ignored).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.core.slack_ids import is_user_id
from bot.core.values import Amount, BadValue, parse_amount
from bot.deals.creating import clean_name
from flows.i18n import _
from flows.schema import ProcessMap, StageKind

COLUMNS = ("deal_id", "deal_name", "owner", "amount", "currency", "stage", "entered_at", "reason")
REQUIRED = ("deal_id", "stage", "entered_at")
MAX_EXTERNAL_ID = 64
_CURRENCY = re.compile(r"^[A-Z]{3}$")
REASON_REQUIRED = (StageKind.LOST, StageKind.DISQUALIFIED)


class HistoryFormatError(ValueError):
    """The file cannot be read as a stage history at all (no header, missing columns)."""


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    deal_id: str | None
    problem: str


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


def read_rows(
    lines: Iterable[str], *, process_map: ProcessMap, now: dt.datetime
) -> tuple[list[HistoryRow], list[Rejected]]:
    """Every row of the file, checked: (good rows, rejected rows)."""
    reader = csv.DictReader(iter(lines))
    _check_header(reader.fieldnames)
    good: list[HistoryRow] = []
    rejected: list[Rejected] = []
    for record in _records(reader):
        line, fields = record
        checked = _check(fields, line=line, process_map=process_map, now=now)
        if isinstance(checked, HistoryRow):
            good.append(checked)
        else:
            rejected.append(checked)
    return good, rejected


def _records(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for fields in reader:
        cleaned = {key: (value or "").strip() for key, value in fields.items() if key}
        if any(cleaned.values()):  # blank lines are not rows
            yield reader.line_num, cleaned


def _check_header(names: object) -> None:
    found = [str(name).strip() for name in names] if isinstance(names, list) else []
    missing = [column for column in REQUIRED if column not in found]
    if not found or missing:
        raise HistoryFormatError(
            _("the file's first line must name the columns {columns}; missing: {missing}").format(
                columns=",".join(COLUMNS), missing=", ".join(missing or REQUIRED)
            )
        )


def _check(
    fields: dict[str, str], *, line: int, process_map: ProcessMap, now: dt.datetime
) -> HistoryRow | Rejected:
    deal_id = fields.get("deal_id") or None

    def reject(problem: str) -> Rejected:
        return Rejected(line=line, deal_id=deal_id, problem=problem)

    if deal_id is None:
        return reject(_("deal_id is empty"))
    if len(deal_id) > MAX_EXTERNAL_ID:
        return reject(_("deal_id is longer than {most} characters").format(most=MAX_EXTERNAL_ID))
    stage = fields.get("stage", "")
    if not process_map.has_stage(stage):
        return reject(_unknown_stage(stage, process_map))
    at = parse_entered_at(fields.get("entered_at", ""))
    if isinstance(at, BadValue):
        return reject(at.message)
    if at > now:
        return reject(_("entered_at {at} is in the future").format(at=fields["entered_at"]))
    money = _money(fields.get("amount", ""), fields.get("currency", ""))
    if isinstance(money, BadValue):
        return reject(money.message)
    owner = fields.get("owner") or None
    if owner is not None and not is_user_id(owner):
        return reject(_("owner '{owner}' is not a Slack user id (U…)").format(owner=owner))
    reason = " ".join(fields.get("reason", "").split()) or None
    if reason is None and process_map.stage(stage).kind in REASON_REQUIRED:
        return reject(_("a reason is required on a {stage} row").format(stage=stage))
    return HistoryRow(
        line=line,
        deal_id=deal_id,
        name=clean_name(fields.get("deal_name", "")) or None,
        owner=owner,
        amount=money[0],
        currency=money[1],
        stage=stage,
        at=at,
        reason=reason,
    )


def _unknown_stage(stage: str, process_map: ProcessMap) -> str:
    return _("unknown stage '{stage}'; the {map} map has: {stages}").format(
        stage=stage, map=process_map.id, stages=", ".join(s.id for s in process_map.stages)
    )


def parse_entered_at(text: str) -> dt.datetime | BadValue:
    """ISO 8601 date or date-time, with or without zone; no zone means UTC."""
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
    code = currency.upper() or None
    if code is not None and not _CURRENCY.match(code):
        return BadValue(
            _("currency '{code}' is not a 3-letter code").format(code=currency), "e.g. USD"
        )
    if not amount:
        return None, code
    parsed = parse_amount(amount)
    if isinstance(parsed, BadValue):
        return parsed
    return parsed, code or parsed.currency
