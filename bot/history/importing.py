"""Importing a CRM's stage history: deals and their back-dated events.

Rows come from each format's adapter (bot.history.formats), are grouped by deal on disk
(bot.history.grouping), checked (bot.history.rows) and put in time order deal by deal
(bot.history.planning), and written in batches of BATCH_DEALS deals, each batch in its
own transaction: memory holds a batch, not the file (docs/imports.md, "At scale"). A
deal's first row is its creation and each later row a move, recorded as the event the app
itself would have written: `advanced` along the main path (backward moves too: the KPIs
tell them apart by position), `branched` into lost / disqualified / nurture (with the
reason), `reopened` out of them. The deal's stage, status and `stage_entered_at` come from
its last row, its name, owner and amount from its last row that has them.

All or nothing per deal: a deal with any bad row is not imported at all, and every one of
its rows is reported by line, so fixing the file and importing again imports it. A file
that cannot be read at all (its header, its encoding) writes nothing: every row is read
and grouped before the first deal is written.

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

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.core.context import Services
from bot.history.converging import Decision, decide
from bot.history.formats import native
from bot.history.grouping import CHUNK_ROWS, DealGroups
from bot.history.mapping import Mappings
from bot.history.overlap import OneAhead
from bot.history.planning import Rejections, plan_deal
from bot.history.records import DealPlan, deal_row, event_rows
from bot.history.rows import Rejected, RowChecker, SourceRow
from flows.caseless import caseless
from flows.schema import ProcessMap, StageKind
from storage import history_store

BATCH_DEALS = 500
NATIVE_ID = re.compile(r"^stagecoach-(\d{1,12})$")
Progress = Callable[[int, int | None], None]  # (rows done, rows in all; None while reading)


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
    rejected: list[Rejected] = field(default_factory=list)  # the first of them by line
    deals_replaced: int = 0  # imported before, untouched since: now as the file states them
    kept_changed: list[str] = field(default_factory=list)  # changed in stagecoach: left
    reasons: list[ReasonTreatment] = field(default_factory=list)
    default_owned: list[str] = field(default_factory=list)  # CRM owners given the default
    dry_run: bool = False
    rows_rejected: int | None = None  # all of them (None: len(rejected))

    @property
    def rejected_count(self) -> int:
        return len(self.rejected) if self.rows_rejected is None else self.rows_rejected


@dataclass(slots=True)
class _Tally:
    created: int = 0
    events: int = 0
    unchanged: int = 0
    replaced: int = 0
    kept: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)  # other loss reasons: deals
    default_owned: set[str] = field(default_factory=set)
    rejections: Rejections = field(default_factory=Rejections)

    def count(self, decision: Decision, external_id: str, *, events: int) -> None:
        """One deal decided against what is stored (a created deal is counted with its batch)."""
        if decision is Decision.REPLACE:
            self.replaced += 1
            self.events += events
        elif decision is Decision.KEEP_CHANGED:
            self.kept.append(external_id)
        elif decision is not Decision.CREATE:
            self.unchanged += 1

    def planned(self, plan: DealPlan, process_map: ProcessMap, known: frozenset[str]) -> None:
        """What the report says of a deal to import: its loss reasons other than the
        map's (`known`, folded as `_folded` does), and the CRM owners given the default."""
        for row in plan.rows:
            lost = process_map.stage(row.stage).kind is StageKind.LOST
            if lost and row.reason and _folded(row.reason) not in known:
                self.reasons[row.reason] += 1
            if row.crm_owner:
                self.default_owned.add(row.crm_owner)


def _folded(reason: str) -> str:
    """A loss reason as the map's are compared: spacing and case ignored."""
    return caseless(" ".join(reason.split()))


@dataclass(frozen=True, slots=True)
class _Import:
    """What every batch of one import shares."""

    services: Services
    team_id: str
    process_map: ProcessMap
    mappings: Mappings
    dry_run: bool
    tally: _Tally
    known_reasons: frozenset[str]  # the map's loss reasons, folded once for every deal
    statistics: history_store.GrowingStatistics = field(
        default_factory=history_store.GrowingStatistics
    )


async def import_history(
    services: Services,
    *,
    team_id: str,
    process_map: ProcessMap,
    lines: Iterable[str] | None = None,
    rows: Iterable[SourceRow] | None = None,
    mappings: Mappings | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import native CSV `lines` or an adapter's `rows`; a file with no usable header raises
    HistoryFormatError before anything is written."""
    source = rows if rows is not None else native.read(lines or [])
    known = frozenset(_folded(reason) for reason in process_map.lost_reasons)
    run = _Import(services, team_id, process_map, mappings or Mappings(), dry_run, _Tally(), known)
    reading = (lambda done: progress(done, None)) if progress else None
    with DealGroups(source, chunk_rows=chunk_rows, reading=reading) as groups:
        await _import_groups(run, groups, progress)
    if not dry_run and (run.tally.created or run.tally.replaced):
        async with services.db.write() as session:
            await history_store.refresh_statistics(session)
    return _report(run, rows=groups.rows)


async def _import_groups(run: _Import, groups: DealGroups, progress: Progress | None) -> None:
    """Plan each deal from its rows and write them BATCH_DEALS at a time, each batch while
    the next is planned (bot.history.overlap)."""
    batch: list[DealPlan] = []
    done = 0
    checker = RowChecker(run.mappings, process_map=run.process_map, now=run.services.clock())
    async with OneAhead[DealPlan](lambda plans: _write(run, plans)) as writes:
        for rows in groups:
            plan, rejected = plan_deal(rows, checker)
            run.tally.rejections.add(rejected)
            done += len(rows)
            if plan is not None:
                run.tally.planned(plan, run.process_map, run.known_reasons)
                batch.append(plan)
            if len(batch) >= BATCH_DEALS:
                await writes.hand_on(batch)
                batch = []
                if progress:
                    progress(done, groups.rows)
            await writes.breathe()
        await writes.hand_on(batch)
        await writes.finish()
    if progress:
        progress(groups.rows, groups.rows)


def _report(run: _Import, *, rows: int) -> ImportReport:
    tally, mappings = run.tally, run.mappings
    return ImportReport(
        rows=rows,
        deals_created=tally.created,
        events_created=tally.events,
        deals_unchanged=tally.unchanged,
        rejected=tally.rejections.listed(),
        rows_rejected=tally.rejections.count,
        deals_replaced=tally.replaced,
        kept_changed=tally.kept,
        reasons=[
            ReasonTreatment(reason=reason, mapped_to=mappings.mapped_reason(reason), deals=count)
            for reason, count in sorted(tally.reasons.items())
        ],
        default_owned=sorted(tally.default_owned),
        dry_run=run.dry_run,
    )


# -- writing ----------------------------------------------------------------------------------------


async def _write(run: _Import, batch: list[DealPlan]) -> None:
    """Decide each deal of the batch against what is stored, and (unless a dry run) write."""
    if not batch:
        return
    team_id, tally = run.team_id, run.tally
    transaction = run.services.db.read() if run.dry_run else run.services.db.write()
    async with transaction as session:
        keys = [plan.external_id for plan in batch]
        stored = await history_store.imported_deals(session, team_id=team_id, external_ids=keys)
        native_ids = await _native(session, team_id, keys)
        fresh: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for plan in batch:
            deal = deal_row(team_id, run.process_map, plan)
            events = event_rows(team_id, run.process_map, plan, run.mappings)
            decision = (
                Decision.UNCHANGED
                if plan.external_id in native_ids
                else decide(stored.get(plan.external_id), deal, events)
            )
            if decision is Decision.CREATE:
                fresh.append((deal, events))
            elif decision is Decision.REPLACE and not run.dry_run:
                deal_id = stored[plan.external_id].deal["id"]
                with_id = [{**event, "deal_id": deal_id} for event in events]
                await history_store.replace_imported(session, deal_id, deal, with_id)
            tally.count(decision, plan.external_id, events=len(events))
        tally.created += len(fresh)
        tally.events += sum(len(events) for _deal, events in fresh)
        if fresh and not run.dry_run:
            await _insert(session, fresh)
            await run.statistics.after(session, tally.created)


async def _insert(session: Any, fresh: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
    ids = await history_store.insert_deals(session, [deal for deal, _events in fresh])
    events = []
    for deal, rows in fresh:  # the rows are this batch's own: given their deal's id in place
        deal_id = ids[deal["external_id"]]
        for event in rows:
            event["deal_id"] = deal_id
        events += rows
    await history_store.insert_events(session, events)


async def _native(session: Any, team_id: str, external_ids: list[str]) -> set[str]:
    """The keys that name deals made in stagecoach (exported as stagecoach-<id>)."""
    native_ids = {int(m.group(1)): key for key in external_ids if (m := NATIVE_ID.match(key))}
    found = await history_store.known_native_ids(
        session, team_id=team_id, deal_ids=list(native_ids)
    )
    return {native_ids[deal_id] for deal_id in found}
