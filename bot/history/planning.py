"""One deal's rows → what importing it does: its plan (rows in time order), or every row of
it refused because one is bad (all or nothing per deal: bot.history.importing).

The importer hands over one deal's rows at a time (bot.history.grouping), so a deal is
decided from its own rows alone, and the rejections are kept as a count and the first
`KEPT` by file and line: memory does not grow with the rows rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.history.records import DealPlan
from bot.history.rows import HistoryRow, Rejected, RowChecker, SourceRow
from flows.i18n import _

KEPT = 1000  # rejected rows kept to be listed (the report lists 200); the rest are counted


@dataclass(slots=True)
class Rejections:
    """Rejected rows: how many, and the first KEPT by file and line."""

    count: int = 0
    first: list[Rejected] = field(default_factory=list)

    def add(self, items: Sequence[Rejected]) -> None:
        self.count += len(items)
        self.first.extend(items)
        if len(self.first) > 2 * KEPT:
            self.first = self.listed()

    def listed(self) -> list[Rejected]:
        return sorted(self.first, key=lambda item: (item.file, item.line))[:KEPT]


def plan_deal(
    rows: Sequence[SourceRow], checker: RowChecker
) -> tuple[DealPlan | None, list[Rejected]]:
    """One deal's rows (or one row without a deal id) checked: its plan, or none and why."""
    good, rejected = checker.rows(rows)
    if not good:
        return None, _one_per_line(rejected)
    good.sort(key=lambda row: (row.at, row.file, row.line))
    kept, dropped = _sequence(good)
    bad = rejected + dropped
    if kept and not bad and not any(row.owner for row in kept):
        dropped = [_refuse(kept[0], _("no row of deal {id} names its owner"))]
        bad, rejected, kept = dropped, dropped, kept[1:]
    else:
        rejected += dropped
    if bad:
        knock_on = _not_imported(bad)
        refused = [_refuse(row, knock_on, knock_on=True) for row in kept]
        return None, _one_per_line(rejected + refused)
    return DealPlan(external_id=kept[0].deal_id, rows=kept), []


def _one_per_line(items: list[Rejected]) -> list[Rejected]:
    """Each problem once per file line (a HubSpot line holds a deal's every stage entry),
    and a line's own problem rather than its deal's refusal."""
    bad = {(item.file, item.line) for item in items if not item.knock_on}
    unique: dict[tuple[str, int, str], Rejected] = {}
    for item in items:
        if item.knock_on and (item.file, item.line) in bad:
            continue
        unique.setdefault((item.file, item.line, item.problem), item)
    return sorted(unique.values(), key=lambda item: (item.file, item.line))


def _not_imported(bad: list[Rejected]) -> str:
    where = ", ".join(str(line) for line in sorted({item.line for item in bad}))
    return _("deal {id} is not imported: a row of it is bad (line {lines})").replace(
        "{lines}", where
    )


def _sequence(rows: list[HistoryRow]) -> tuple[list[HistoryRow], list[Rejected]]:
    """The deal's stage entries; duplicates and re-entries of the same stage are bad rows,
    but a move between two CRM stages that map to one stage of ours is no move at all."""
    kept: list[HistoryRow] = []
    dropped: list[Rejected] = []
    seen: dict[tuple[str, dt.datetime], int] = {}
    for row in rows:
        first = seen.setdefault((row.stage, row.at), row.line)
        if first != row.line:
            dropped.append(_refuse(row, _("duplicate of line {line}").format(line=first)))
        elif kept and kept[-1].stage == row.stage and kept[-1].crm_stage != row.crm_stage:
            continue
        elif kept and kept[-1].stage == row.stage:
            message = _("deal {id} is already in {stage} since line {line}").format(
                id="{id}", stage=row.stage, line=kept[-1].line
            )
            dropped.append(_refuse(row, message))
        else:
            kept.append(row)
    return kept, dropped


def _refuse(row: HistoryRow, message: str, *, knock_on: bool = False) -> Rejected:
    return Rejected(
        line=row.line,
        deal_id=row.deal_id,
        problem=message.replace("{id}", row.deal_id),
        file=row.file,
        knock_on=knock_on,
    )
