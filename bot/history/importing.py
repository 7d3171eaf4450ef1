"""Importing a CRM's stage history: deals and their back-dated events.

Rows come checked from bot.history.rows (each format's adapter reads its files into them),
are grouped by deal and put in time order; a deal's first row is its creation and each
later row a move, recorded as the event the app itself would have written: `advanced`
along the main path (backward moves too: the KPIs tell them apart by position), `branched`
into lost / disqualified / nurture (with the reason), `reopened` out of them. The deal's
stage, status and `stage_entered_at` come from its last row, its name, owner and amount
from its last row that has them.

All or nothing per deal: a deal with any bad row is not imported at all, and every one of
its rows is reported by line, so fixing the file and importing again imports it.

Converging: a deal is keyed by (workspace, CRM deal id) in `Deal.external_id`. A deal the
file states as it already stands is left alone (importing the same file again changes
nothing); one it states differently (more rows, corrected ones) is given the file's history
if nothing but imports has touched it in stagecoach, and is left and reported if someone
has (bot.history.converging). Ids written by `stagecoach export` for deals made in
stagecoach (`stagecoach-<id>`) name those deals, which are always left as they are.

Reasons: a loss's reason is kept verbatim unless it is one of the map's lost reasons (in
any case or spacing) or the reasons file maps it; the report lists how each other reason
was treated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from bot.core.context import Services
from bot.history.converging import Decision, decide
from bot.history.formats import native
from bot.history.mapping import Mappings
from bot.history.records import DealPlan, deal_row, event_rows
from bot.history.rows import HistoryRow, Rejected, SourceRow, check_rows
from flows.caseless import caseless
from flows.i18n import _
from flows.schema import ProcessMap, StageKind
from storage import history_store

BATCH_DEALS = 500
NATIVE_ID = re.compile(r"^stagecoach-(\d{1,12})$")
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ReasonTreatment:
    """How an imported loss reason that is not one of the map's was recorded."""

    reason: str
    mapped_to: str | None  # None: kept verbatim
    deals: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int  # data rows read (blank lines aside)
    deals_created: int
    events_created: int
    deals_unchanged: int  # already as the file states them: left as they are
    rejected: list[Rejected] = field(default_factory=list)
    deals_replaced: int = 0  # imported before, untouched since: now as the file states them
    kept_changed: list[str] = field(default_factory=list)  # changed in stagecoach: left
    reasons: list[ReasonTreatment] = field(default_factory=list)
    default_owned: list[str] = field(default_factory=list)  # CRM owners given the default
    dry_run: bool = False


@dataclass(slots=True)
class _Tally:
    created: int = 0
    events: int = 0
    unchanged: int = 0
    replaced: int = 0
    kept: list[str] = field(default_factory=list)

    def count(self, decision: Decision, external_id: str, *, events: int) -> None:
        """One deal decided against what is stored (a created deal is counted with its batch)."""
        if decision is Decision.REPLACE:
            self.replaced += 1
            self.events += events
        elif decision is Decision.KEEP_CHANGED:
            self.kept.append(external_id)
        elif decision is not Decision.CREATE:
            self.unchanged += 1


async def import_history(
    services: Services,
    *,
    team_id: str,
    process_map: ProcessMap,
    lines: Iterable[str] | None = None,
    rows: Sequence[SourceRow] | None = None,
    mappings: Mappings | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import native CSV `lines` or an adapter's `rows`; a file with no usable header raises
    HistoryFormatError before anything is written."""
    source = list(rows) if rows is not None else native.read(lines or [])
    mappings = mappings or Mappings()
    good, rejected = check_rows(source, mappings, process_map=process_map, now=services.clock())
    plans, refused = _plan(good, rejected)
    tally = _Tally()
    for start in range(0, len(plans), BATCH_DEALS):
        batch = plans[start : start + BATCH_DEALS]
        await _write(services, team_id, process_map, batch, mappings, tally, dry_run=dry_run)
        if progress:
            progress(start + len(batch), len(plans))
    if not dry_run and (tally.created or tally.replaced):
        async with services.db.write() as session:
            await history_store.refresh_statistics(session)
    return ImportReport(
        rows=len(source),
        deals_created=tally.created,
        events_created=tally.events,
        deals_unchanged=tally.unchanged,
        rejected=_one_per_line([*rejected, *refused]),
        deals_replaced=tally.replaced,
        kept_changed=tally.kept,
        reasons=_reason_treatments(plans, process_map, mappings),
        default_owned=sorted({row.crm_owner for p in plans for row in p.rows if row.crm_owner}),
        dry_run=dry_run,
    )


# -- grouping and ordering ------------------------------------------------------------------------


def _plan(
    rows: list[HistoryRow], rejected: list[Rejected]
) -> tuple[list[DealPlan], list[Rejected]]:
    """Each good deal's rows in time order; every row of a deal with a bad row, refused."""
    bad_lines: dict[str, list[Rejected]] = {}
    for item in rejected:
        if item.deal_id:
            bad_lines.setdefault(item.deal_id, []).append(item)
    plans: list[DealPlan] = []
    refused: list[Rejected] = []
    ordered = sorted(rows, key=lambda row: (row.deal_id, row.at, row.file, row.line))
    for deal_id, group in groupby(ordered, key=lambda row: row.deal_id):
        kept, dropped = _sequence(list(group))
        bad = bad_lines.get(deal_id, []) + dropped
        if kept and not bad and not any(row.owner for row in kept):
            dropped = [_refuse(kept[0], _("no row of deal {id} names its owner"))]
            bad, refused = dropped, refused + dropped
            kept = kept[1:]
        if bad:
            knock_on = _not_imported(bad)
            refused += dropped + [_refuse(row, knock_on, knock_on=True) for row in kept]
        elif kept:
            plans.append(DealPlan(external_id=deal_id, rows=kept))
    return plans, refused


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


# -- writing ----------------------------------------------------------------------------------------


async def _write(
    services: Services,
    team_id: str,
    process_map: ProcessMap,
    batch: list[DealPlan],
    mappings: Mappings,
    tally: _Tally,
    *,
    dry_run: bool,
) -> None:
    """Decide each deal of the batch against what is stored, and (unless a dry run) write."""
    transaction = services.db.read() if dry_run else services.db.write()
    async with transaction as session:
        keys = [plan.external_id for plan in batch]
        stored = await history_store.imported_deals(session, team_id=team_id, external_ids=keys)
        native_ids = await _native(session, team_id, keys)
        fresh: list[DealPlan] = []
        for plan in batch:
            deal = deal_row(team_id, process_map, plan)
            events = event_rows(team_id, process_map, plan, mappings)
            decision = (
                Decision.UNCHANGED
                if plan.external_id in native_ids
                else decide(stored.get(plan.external_id), deal, events)
            )
            if decision is Decision.CREATE:
                fresh.append(plan)
            elif decision is Decision.REPLACE and not dry_run:
                deal_id = stored[plan.external_id].deal["id"]
                with_id = [{**event, "deal_id": deal_id} for event in events]
                await history_store.replace_imported(session, deal_id, deal, with_id)
            tally.count(decision, plan.external_id, events=len(events))
        tally.created += len(fresh)
        tally.events += sum(len(plan.rows) for plan in fresh)
        if fresh and not dry_run:
            await _insert(session, team_id, process_map, fresh, mappings)


async def _insert(
    session: Any, team_id: str, process_map: ProcessMap, fresh: list[DealPlan], mappings: Mappings
) -> None:
    ids = await history_store.insert_deals(
        session, [deal_row(team_id, process_map, plan) for plan in fresh]
    )
    events = [
        {**event, "deal_id": ids[plan.external_id]}
        for plan in fresh
        for event in event_rows(team_id, process_map, plan, mappings)
    ]
    await history_store.insert_events(session, events)


async def _native(session: Any, team_id: str, external_ids: list[str]) -> set[str]:
    """The keys that name deals made in stagecoach (exported as stagecoach-<id>)."""
    native_ids = {int(m.group(1)): key for key in external_ids if (m := NATIVE_ID.match(key))}
    found = await history_store.known_native_ids(
        session, team_id=team_id, deal_ids=list(native_ids)
    )
    return {native_ids[deal_id] for deal_id in found}


def _reason_treatments(
    plans: list[DealPlan], process_map: ProcessMap, mappings: Mappings
) -> list[ReasonTreatment]:
    known = {caseless(" ".join(reason.split())) for reason in process_map.lost_reasons}
    deals: Counter[str] = Counter()
    for plan in plans:
        for row in plan.rows:
            lost = process_map.stage(row.stage).kind is StageKind.LOST
            if lost and row.reason and caseless(" ".join(row.reason.split())) not in known:
                deals[row.reason] += 1
    return [
        ReasonTreatment(reason=reason, mapped_to=mappings.mapped_reason(reason), deals=count)
        for reason, count in sorted(deals.items())
    ]
