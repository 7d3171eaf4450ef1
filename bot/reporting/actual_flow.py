"""What deals actually did on a map in a window, measured from the event history: every
from → to with how many moves took it (storage.kpi_queries.transitions, the matrix the
KPIs read), whether the map has that move, and each stage's ended stays against its
`target_days` (storage.stage_stays). docs/actual-flow.md defines each figure.

The values are flows.actual_flow's; the discovery picture (flows/diagram_actual.py) and
`/deal map actual` draw and tell them.
"""

from __future__ import annotations

from bot.core.context import Services
from flows.actual_flow import ActualFlow, FlowEdge, StageLoad
from flows.machine import map_transitions
from flows.schema import ProcessMap
from storage import kpi_queries as q
from storage.kpi_migrations import moves_made
from storage.kpi_scope import KpiScope, Window, tune_for_reports
from storage.stage_stays import StayLoad, stay_loads

# Ended stays a stage needs before `/deal map actual` calls it overstayed: one stay of
# two over target is a coin, not a pattern. The picture colours every stage with its count.
OVERSTAY_MIN_STAYS = 5


async def actual_flow(
    services: Services,
    *,
    team_id: str,
    process_map: ProcessMap,
    window: Window,
    owner_ids: tuple[str, ...] | None = None,
) -> ActualFlow:
    """The moves and stays of the map's deals in `window` (`owner_ids`: only theirs),
    against this version of it: the one the picture is drawn on."""
    scope = KpiScope(team_id=team_id, map_id=process_map.id, owner_ids=owner_ids)
    targets = {s.id: s.target_days for s in process_map.stages if s.target_days is not None}
    async with services.db.read() as session:
        await tune_for_reports(session)
        moves = await moves_made(session, scope=scope, window=window)
        loads = await stay_loads(session, scope=scope, window=window, targets=targets)
    return flow_of(process_map, moves, loads)


def flow_of(
    process_map: ProcessMap, moves: list[q.Transition], loads: dict[str, StayLoad]
) -> ActualFlow:
    """The measured rows as an ActualFlow: edges most used first, stages in map order
    (then any stage the history has and this version of the map does not)."""
    drawn = {(t.source, t.dest) for t in map_transitions(process_map)}
    first = process_map.first_stage.id
    edges = [
        FlowEdge(
            source=move.from_stage,
            dest=move.to_stage,
            count=move.entered,
            on_map=(move.from_stage, move.to_stage) in drawn
            if move.from_stage is not None
            else move.to_stage == first,
        )
        for move in moves
        if move.entered > 0
    ]
    edges.sort(key=lambda e: (-e.count, e.source or "", e.dest))
    known = [stage.id for stage in process_map.stages]
    others = sorted({s for e in edges for s in (e.source, e.dest) if s and s not in known})
    others += sorted(set(loads) - set(known) - set(others))
    stages = [_load(process_map, stage, loads.get(stage)) for stage in (*known, *others)]
    return ActualFlow(process_map.id, process_map.version, tuple(edges), tuple(stages))


def _load(process_map: ProcessMap, stage_id: str, found: StayLoad | None) -> StageLoad:
    target = process_map.stage(stage_id).target_days if process_map.has_stage(stage_id) else None
    if found is None or found.ended == 0:
        return StageLoad(stage_id, ended_stays=0, overstay_share=None, median_days=None)
    share = found.over_target / found.ended if target is not None else None
    return StageLoad(stage_id, found.ended, share, found.median_days)
