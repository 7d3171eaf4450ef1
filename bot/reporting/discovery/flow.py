"""The real flow between stages, read against the map: every from → to of the transition
matrix (storage.kpi_queries.transitions) as an edge of `flows.actual_flow`, what kind of
move it is, whether the map has it, and how often each main-path stage was gone around."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from bot.reporting.discovery.report import Move, MoveKind, StageSkip
from flows.actual_flow import ActualFlow, FlowEdge, StageLoad
from flows.machine import map_transitions
from flows.schema import ProcessMap
from storage.discovery_queries import StayFigures
from storage.kpi_queries import Transition


def map_edges(process_map: ProcessMap) -> set[tuple[str, str]]:
    """Every (from, to) the map allows: advances, branches and reopens."""
    return {(t.source, t.dest) for t in map_transitions(process_map)}


def moves_of(process_map: ProcessMap, matrix: Sequence[Transition]) -> tuple[Move, ...]:
    """The moves made in the period, most used first within each source stage."""
    allowed = map_edges(process_map)
    out_of = Counter[str]()
    for row in matrix:
        if row.from_stage is not None:
            out_of[row.from_stage] += row.entered
    found = []
    for row in matrix:
        if not row.entered:
            continue
        kind, passed = classify(process_map, row.from_stage, row.to_stage)
        on_map = (
            row.to_stage == process_map.first_stage.id
            if row.from_stage is None
            else (row.from_stage, row.to_stage) in allowed
        )
        edge = FlowEdge(row.from_stage, row.to_stage, row.entered, on_map)
        share = row.entered / out_of[row.from_stage] if row.from_stage is not None else None
        found.append(Move(edge, kind, share, passed))
    order = {stage.id: index for index, stage in enumerate(process_map.stages)}
    return tuple(sorted(found, key=lambda m: (order.get(m.edge.source or "", -1), -m.edge.count)))


def classify(
    process_map: ProcessMap, source: str | None, dest: str
) -> tuple[MoveKind, tuple[str, ...]]:
    """The kind of a move, and for a skip the main-path stages it went around."""
    known = {stage.id for stage in process_map.stages}
    if dest not in known or (source is not None and source not in known):
        return MoveKind.RETIRED, ()
    if source is None:
        return MoveKind.CREATED, ()
    if not process_map.stage(dest).is_open:
        return MoveKind.EXIT, ()
    if not process_map.stage(source).is_open:
        return MoveKind.REOPEN, ()
    if process_map.next_stage_id(process_map.stage(source)) == dest:
        return MoveKind.ADVANCE, ()
    main = [stage.id for stage in process_map.open_stages]
    here, there = main.index(source), main.index(dest)
    if there < here:
        return MoveKind.BACKWARD, ()
    return MoveKind.SKIP, tuple(main[here + 1 : there])


def skips_of(process_map: ProcessMap, moves: Sequence[Move]) -> tuple[StageSkip, ...]:
    """Per main-path stage but the first: moves around it against moves into it, both
    from an earlier main-path stage (creations and reopens say nothing of the path)."""
    main = [stage.id for stage in process_map.open_stages]
    position = {stage_id: index for index, stage_id in enumerate(main)}
    around, through = Counter[str](), Counter[str]()
    for move in moves:
        source, dest = move.edge.source, move.edge.dest
        if source not in position or dest not in position:
            continue
        start, end = position[source], position[dest]  # type: ignore[index]
        if end <= start:
            continue
        through[dest] += move.edge.count
        for passed in main[start + 1 : end]:
            around[passed] += move.edge.count
    return tuple(StageSkip(stage, around[stage], through[stage]) for stage in main[1:])


def actual_flow(
    process_map: ProcessMap, moves: Sequence[Move], stays: Mapping[str, StayFigures]
) -> ActualFlow:
    """The flow as `flows.actual_flow` types it (the discovery picture draws the same)."""
    loads = []
    for stage in process_map.stages:
        figures = stays.get(stage.id)
        ended = figures.count if figures else 0
        overstay = (
            figures.over_target / ended
            if figures and ended and stage.target_days is not None
            else None
        )
        loads.append(StageLoad(stage.id, ended, overstay, figures.median if figures else None))
    return ActualFlow(
        map_id=process_map.id,
        map_version=process_map.version,
        edges=tuple(move.edge for move in moves),
        stages=tuple(loads),
    )
