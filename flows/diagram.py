"""The process map as a picture: a renderer-neutral diagram that Mermaid and PNG both draw.

Why not `GraphMachine(graph_engine="mermaid")`, transitions' own diagrams? In transitions
0.9.3 it needs a model bound to the machine and always styles that model's state "active"
(the first stage, unless we reach into `model_graphs`), its states take no `label`, so names,
owners and counts need a custom state class, it does not escape quotes in labels, and its
only styles are default/active/previous. Drawing from the machine's own transitions
(`map_transitions`) keeps the one source of truth without those workarounds; every render
still builds a throwaway graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flows.i18n import N_, _
from flows.machine import Move, Transition, map_transitions
from flows.schema import ProcessMap, Stage, StageKind


class NodeStyle(StrEnum):
    """How a stage is drawn: the sales funnel, the win, after the win, the side exits."""

    STAGE = "stage"
    WON = "won"
    POST_SALE = "post_sale"
    LOST = "lost"
    DISQUALIFIED = "disqualified"
    NURTURE = "nurture"


class EdgeStyle(StrEnum):
    ADVANCE = "advance"
    BRANCH = "branch"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    lines: tuple[str, ...]  # name, owner, then the deal count when one was given
    style: NodeStyle
    highlighted: bool = False


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    dest: str
    label: str  # empty for advance: the main path needs no words
    style: EdgeStyle


@dataclass(frozen=True, slots=True)
class Diagram:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


class UnknownStageError(ValueError):
    """A highlight or count named a stage the map does not have."""

    def __init__(self, stage_id: str, *, allowed: list[str]) -> None:
        self.stage_id = stage_id
        self.allowed = allowed
        super().__init__(
            _("no stage '{id}' in this map; stages: {allowed}").format(
                id=stage_id, allowed=", ".join(allowed)
            )
        )


def build_diagram(
    process_map: ProcessMap,
    *,
    highlight: str | None = None,
    counts: Mapping[str, int] | None = None,
) -> Diagram:
    """Nodes in map order and every move but override (it lands where advance does)."""
    counts = counts or {}
    for stage_id in [highlight, *counts]:
        if stage_id is not None and not process_map.has_stage(stage_id):
            raise UnknownStageError(stage_id, allowed=[s.id for s in process_map.stages])
    nodes = tuple(
        Node(stage.id, _lines(stage, counts.get(stage.id)), _style(process_map, stage), stage.id == highlight)
        for stage in process_map.stages
    )  # fmt: skip
    edges = tuple(_edge(t) for t in map_transitions(process_map) if t.move is not Move.OVERRIDE)
    title = _("{title} · v{version}").format(title=process_map.title, version=process_map.version)
    return Diagram(title=title, nodes=nodes, edges=edges)


def _lines(stage: Stage, count: int | None) -> tuple[str, ...]:
    owner = _("owner: {owner}").format(owner=stage.owner)
    if count is None:
        return (stage.name, owner)
    return (stage.name, owner, _("deals: {count}").format(count=count))


def stage_style(process_map: ProcessMap, stage: Stage) -> NodeStyle:
    """How a stage is drawn; the discovery picture (flows/diagram_actual.py) draws alike."""
    return _style(process_map, stage)


def _style(process_map: ProcessMap, stage: Stage) -> NodeStyle:
    if stage.won:
        return NodeStyle.WON
    if stage.kind is not StageKind.OPEN:
        return NodeStyle(stage.kind.value)
    return NodeStyle.POST_SALE if process_map.is_post_sale(stage.id) else NodeStyle.STAGE


_LABELS = {
    Move.LOSE: N_("lose"),
    Move.DISQUALIFY: N_("disqualify"),
    Move.NURTURE: N_("nurture"),
    Move.REOPEN: N_("reopen"),
}


def _edge(transition: Transition) -> Edge:
    if transition.move is Move.ADVANCE:
        return Edge(transition.source, transition.dest, "", EdgeStyle.ADVANCE)
    style = EdgeStyle.REOPEN if transition.move is Move.REOPEN else EdgeStyle.BRANCH
    return Edge(transition.source, transition.dest, _(_LABELS[transition.move]), style)
