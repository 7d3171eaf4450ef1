"""Where a deal can get to from a stage, following the moves the map allows.

Moves are the machine's own transitions (advance, branches, reopen), so the linter, the
diagrams and the state machine can never disagree about the shape of the map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from flows.machine import Move, map_transitions
from flows.schema import ProcessMap, StageKind

Graph = Mapping[str, frozenset[str]]


def successors(process_map: ProcessMap) -> Graph:
    """Stage id → the stages one move away (override is left out: it lands where advance does)."""
    found: dict[str, set[str]] = {stage.id: set() for stage in process_map.stages}
    for transition in map_transitions(process_map):
        if transition.move is not Move.OVERRIDE:
            found[transition.source].add(transition.dest)
    return {stage_id: frozenset(dests) for stage_id, dests in found.items()}


def reachable(graph: Graph, *, start: Iterable[str]) -> set[str]:
    """Every stage reachable from `start` (the start stages included)."""
    seen = set(start)
    frontier = list(seen)
    while frontier:
        for dest in graph.get(frontier.pop(), frozenset()):
            if dest not in seen:
                seen.add(dest)
                frontier.append(dest)
    return seen


def terminal_stage_ids(process_map: ProcessMap) -> set[str]:
    """Where a deal's story may end: the win, the end of the main path, lost, disqualified."""
    ends = {process_map.won_stage.id}
    ends |= {s.id for s in process_map.open_stages if process_map.next_stage_id(s) is None}
    ends |= {s.id for s in process_map.stages if s.kind in (StageKind.LOST, StageKind.DISQUALIFIED)}
    return ends


def trapped_stage_ids(process_map: ProcessMap) -> set[str]:
    """Stages from which no terminal stage can be reached: a deal there can never finish."""
    graph = successors(process_map)
    finishing = reachable(_reversed(graph), start=terminal_stage_ids(process_map))
    return {stage.id for stage in process_map.stages} - finishing


def _reversed(graph: Graph) -> Graph:
    backward: dict[str, set[str]] = defaultdict(set)
    for source, dests in graph.items():
        for dest in dests:
            backward[dest].add(source)
    return {stage_id: frozenset(sources) for stage_id, sources in backward.items()}
