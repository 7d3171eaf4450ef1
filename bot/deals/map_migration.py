"""Moving the open deals of one map version onto another (`stagecoach maps migrate`;
docs/maps.md, "Moving open deals to a new version"). What happens to each deal is
bot.deals.migration_plan; the writes are storage's, through services.deals.

The run is whole or not at all, and resumable:

1. whether every open deal on the old version can be decided is checked first (by the
   stages they are in: a deal's stage alone decides where it goes); if one cannot, every
   deal is planned, nothing is written (not even the new version's copy), and the
   undecided deals are listed;
2. the new version is stored (MapVersion), so every replica can serve it;
3. the deals move in batches, each one write transaction that reads its deals under the
   lock and writes each only while it is still open on the old version at the version it
   was read at. An interrupted run leaves whole batches moved and the rest untouched; the
   same command again plans what is still on the old version and moves it. A deal moved
   once is on the new version, so no run can move it twice.

Why not one transaction for every deal: on SQLite it would hold the database's one write
lock for the whole run, so every click and command of every user waits for it; batches
keep each wait to a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.context import Services
from bot.deals.migration_plan import DealPlan, Undecided, plan_deal, stage_on
from bot.deals.stage_events import outbound_of_moves
from flows.schema import ProcessMap
from flows.stage_mapping import StageMapping
from storage.deal_moves import DealMove, MigratingDeal
from storage.deal_store import LostMigrationRace

BATCH = 500  # deals per write transaction
PAGE = 2000  # deals per read when planning
RETRIES = 3  # a batch that lost a race is planned again this many times


@dataclass(frozen=True, slots=True)
class MigrationRequest:
    source: ProcessMap
    target: ProcessMap
    target_yaml: str  # stored as the new version's copy
    mapping: StageMapping
    actor_id: str  # who ran it, on every event
    dry_run: bool = False
    batch: int = BATCH


@dataclass(frozen=True, slots=True)
class MigrationReport:
    request: MigrationRequest
    plans: list[DealPlan] = field(default_factory=list)  # moved (dry run: would move)
    undecided: list[Undecided] = field(default_factory=list)
    moved_before: int = 0  # by earlier runs of this migration
    refused: bool = False  # undecided deals stopped the run before it wrote anything

    @property
    def dry_run(self) -> bool:
        return self.request.dry_run


async def migrate(
    services: Services,
    request: MigrationRequest,
    *,
    progress: Callable[[int], None] | None = None,
) -> MigrationReport:
    source = request.source
    moved_before = await services.deals.count_migrated(
        map_id=source.id, from_version=source.version, to_version=request.target.version
    )
    plans: list[DealPlan] = []
    undecided: list[Undecided] = []
    if request.dry_run or not await _all_decidable(services, request):
        plans, undecided = await _plan_all(services, request)
    if request.dry_run or undecided:
        return MigrationReport(
            request, plans, undecided, moved_before, refused=bool(undecided and not request.dry_run)
        )
    await services.catalog.publish(services.db, request.target, source=request.target_yaml)
    moved, late = await _move_all(services, request, progress or (lambda _count: None))
    return MigrationReport(request, moved, late, moved_before)


async def _all_decidable(services: Services, request: MigrationRequest) -> bool:
    """Whether every open deal on the old version has a stage on the new one: a deal's
    stage alone decides it, so the stages of the open deals are asked, not each deal."""
    source = request.source
    stages = await services.deals.open_stages_on(map_id=source.id, version=source.version)
    return all(
        stage_on(stage, target=request.target, mapping=request.mapping) is not None
        for stage in stages
    )


async def _plan_all(
    services: Services, request: MigrationRequest
) -> tuple[list[DealPlan], list[Undecided]]:
    plans: list[DealPlan] = []
    undecided: list[Undecided] = []
    after = 0
    while page := await services.deals.migrating(
        map_id=request.source.id, version=request.source.version, after_id=after, limit=PAGE
    ):
        for found in page:
            planned = _plan(found, request)
            if isinstance(planned, DealPlan):
                plans.append(planned)
            else:
                undecided.append(planned)
        after = _last_id(page)
    return plans, undecided


async def _move_all(
    services: Services, request: MigrationRequest, progress: Callable[[int], None]
) -> tuple[list[DealPlan], list[Undecided]]:
    """Batch after batch until no open deal is left on the old version (past the ones
    found undecided meanwhile: a deal moved to a stage no line maps since it was planned)."""
    moved: list[DealPlan] = []
    late: list[Undecided] = []
    after = 0
    while True:
        found = await _move_batch(services, request, after)
        if found is None:
            return moved, late
        page, plans, undecided = found
        moved += plans
        late += undecided
        after = _last_id(page)
        progress(len(moved))


async def _move_batch(
    services: Services, request: MigrationRequest, after: int
) -> tuple[list[MigratingDeal], list[DealPlan], list[Undecided]] | None:
    source = request.source
    for attempt in range(RETRIES):
        try:
            async with services.deals.migration_batch(
                map_id=source.id, version=source.version, after_id=after, limit=request.batch
            ) as (page, write):
                if not page:
                    return None
                planned = [_plan(found, request) for found in page]
                plans = [plan for plan in planned if isinstance(plan, DealPlan)]
                moves = [_move(plan, request, services) for plan in plans]
                await write(moves, outbound_of_moves(moves))
                undecided = [plan for plan in planned if isinstance(plan, Undecided)]
                return page, plans, undecided
        except LostMigrationRace:
            if attempt == RETRIES - 1:
                raise
    return None


def _plan(found: MigratingDeal, request: MigrationRequest) -> DealPlan | Undecided:
    return plan_deal(found, source=request.source, target=request.target, mapping=request.mapping)


def _move(plan: DealPlan, request: MigrationRequest, services: Services) -> DealMove:
    return DealMove(
        deal_id=plan.deal_id,
        team_id=plan.team_id,
        map_id=request.source.id,
        expected_version=plan.version,
        from_version=request.source.version,
        to_version=request.target.version,
        from_stage=plan.from_stage,
        to_stage=plan.to_stage if plan.stage_changed else None,
        stay_started_at=plan.stage_entered_at,
        ticks=plan.ticks,
        actor_id=request.actor_id,
        at=services.clock(),
        note=plan.note.to_json(),
    )


def _last_id(page: list[MigratingDeal]) -> int:
    return page[-1].deal_id
