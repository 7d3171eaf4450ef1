"""The discovery picture as data: the map's stages with what deals actually did on them
(flows.actual_flow), ready to draw (flows/diagram_actual_png.py). Pure: no I/O.

What it shows, and why (docs/actual-flow.md has the definitions):
- every move taken in the period is an edge labelled with its count, as thick as the
  square root of its share of the busiest edge (a linear scale made the main path a wall
  and every exit a hairline; a log scale made 3 moves look like 300);
- a move the map does not have (a skip, a move back, a branch it lacks) is drawn apart
  and listed in the legend, most used first; a step of the main path nobody took stays as
  a faint line, so the map's shape is still there (unused exits and reopens are left out:
  on the demo data their faint lines outnumbered the used ones three to one);
- each stage is filled on a three-step scale by the share of its ended stays longer than
  its `target_days`, and says its median stay against that target and how many deals
  were created in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from flows.actual_flow import ActualFlow, FlowEdge, StageLoad
from flows.diagram import EdgeStyle, NodeStyle, stage_style
from flows.i18n import _, ngettext
from flows.machine import Move, map_transitions
from flows.schema import ProcessMap

# The share of ended stays over target at which a stage turns amber, then red.
OFTEN_OVER, MOSTLY_OVER = 0.25, 0.5
MIN_WIDTH, MAX_WIDTH = 1.0, 9.0
LEGEND_EDGES = 8  # off-map moves the legend names; the rest are counted


class Overstay(StrEnum):
    """A stage's fill: how often its stays ran past the target."""

    UNKNOWN = "unknown"  # no target, or no stay ended in the period
    RARELY = "rarely"  # under OFTEN_OVER
    OFTEN = "often"  # from OFTEN_OVER to MOSTLY_OVER
    MOSTLY = "mostly"  # MOSTLY_OVER or more


@dataclass(frozen=True, slots=True)
class FlowNode:
    id: str
    lines: tuple[str, ...]  # name, then median vs target, overstay share, creations
    style: NodeStyle | None  # None: a stage the history has and this map version does not
    overstay: Overstay


@dataclass(frozen=True, slots=True)
class FlowLine:
    """An edge: a move taken (`count` > 0) or a step of the main path nobody took."""

    source: str
    dest: str
    count: int
    width: float
    style: EdgeStyle | None  # the map's kind of move; None: the map does not have it


@dataclass(frozen=True, slots=True)
class ActualDiagram:
    title: str
    subtitle: str  # whose deals and which period, as the caller words it
    nodes: tuple[FlowNode, ...]
    lines: tuple[FlowLine, ...]
    off_map: tuple[str, ...]  # the legend's list: "Qualification → Proposal: 12"
    moves: int


def build_actual_diagram(
    process_map: ProcessMap, flow: ActualFlow, *, subtitle: str = ""
) -> ActualDiagram:
    """The picture of `flow` on `process_map` (the version the flow was measured on)."""
    created = {e.dest: e.count for e in flow.edges if e.source is None}
    nodes = tuple(_node(process_map, load, created.get(load.stage, 0)) for load in flow.stages)
    busiest = max((e.count for e in flow.edges if e.source is not None), default=0)
    styles = _map_moves(process_map)
    taken = [
        _line(edge, styles.get((edge.source, edge.dest)), busiest)
        for edge in flow.edges
        if edge.source is not None
    ]
    used = {(line.source, line.dest) for line in taken}
    faint = [
        FlowLine(source, dest, 0, MIN_WIDTH, style)
        for (source, dest), style in styles.items()
        if (source, dest) not in used and style is EdgeStyle.ADVANCE
    ]
    title = _("What deals actually did: {title} · v{version}").format(
        title=process_map.title, version=process_map.version
    )
    names = {stage.id: stage.name for stage in process_map.stages}
    return ActualDiagram(
        title=title,
        subtitle=subtitle,
        nodes=nodes,
        lines=(*taken, *faint),
        off_map=_legend(flow, names),
        moves=flow.moves,
    )


def overstay_of(load: StageLoad) -> Overstay:
    share = load.overstay_share
    if share is None:
        return Overstay.UNKNOWN
    if share >= MOSTLY_OVER:
        return Overstay.MOSTLY
    return Overstay.OFTEN if share >= OFTEN_OVER else Overstay.RARELY


def _map_moves(process_map: ProcessMap) -> dict[tuple[str, str], EdgeStyle]:
    """Each pair of stages the map links, with how it is drawn (override lands where
    advance does, so it is the same edge)."""
    styles: dict[tuple[str, str], EdgeStyle] = {}
    for transition in map_transitions(process_map):
        if transition.move is Move.ADVANCE:
            styles[(transition.source, transition.dest)] = EdgeStyle.ADVANCE
        elif transition.move is Move.REOPEN:
            styles.setdefault((transition.source, transition.dest), EdgeStyle.REOPEN)
        elif transition.move is not Move.OVERRIDE:
            styles.setdefault((transition.source, transition.dest), EdgeStyle.BRANCH)
    return styles


def _line(edge: FlowEdge, style: EdgeStyle | None, busiest: int) -> FlowLine:
    assert edge.source is not None
    width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * math.sqrt(edge.count / busiest)
    return FlowLine(edge.source, edge.dest, edge.count, round(width, 2), style)


def _node(process_map: ProcessMap, load: StageLoad, created: int) -> FlowNode:
    if not process_map.has_stage(load.stage):
        lines = (load.stage, _("not on this version of the map"), *_counts(load, None, created))
        return FlowNode(load.stage, lines, None, Overstay.UNKNOWN)
    stage = process_map.stage(load.stage)
    lines = (stage.name, *_counts(load, stage.target_days, created))
    return FlowNode(stage.id, lines, stage_style(process_map, stage), overstay_of(load))


def _counts(load: StageLoad, target: int | None, created: int) -> list[str]:
    lines = [_stay_line(load, target)]
    if load.ended_stays and load.overstay_share is not None:
        lines.append(
            ngettext(
                "{share:.0%} of {count} ended stay over target",
                "{share:.0%} of {count} ended stays over target",
                load.ended_stays,
            ).format(share=load.overstay_share, count=load.ended_stays)
        )
    elif load.ended_stays:
        lines.append(
            ngettext("{count} ended stay", "{count} ended stays", load.ended_stays).format(
                count=load.ended_stays
            )
        )
    if created:
        lines.append(_("created here: {count}").format(count=created))
    return lines


def _stay_line(load: StageLoad, target: int | None) -> str:
    wanted = _("no target") if target is None else _("target {days} d").format(days=target)
    if load.median_days is None:
        return _("no stay ended · {target}").format(target=wanted)
    return _("median {median:.1f} d · {target}").format(median=load.median_days, target=wanted)


def _legend(flow: ActualFlow, names: dict[str, str]) -> tuple[str, ...]:
    """The moves the map does not have, most used first, by stage name."""
    found = flow.off_map()
    lines = [edge_words(edge, names) for edge in found[:LEGEND_EDGES]]
    rest = sum(edge.count for edge in found[LEGEND_EDGES:])
    if rest:
        lines.append(
            ngettext("… and {count} more move", "… and {count} more moves", rest).format(count=rest)
        )
    return tuple(lines)


def edge_words(edge: FlowEdge, names: dict[str, str]) -> str:
    """A move as the legend and `/deal map actual` name it, stages by `names`."""
    dest = names.get(edge.dest, edge.dest)
    if edge.source is None:
        return _("created in {stage}: {count}").format(stage=dest, count=edge.count)
    return _("{source} → {dest}: {count}").format(
        source=names.get(edge.source, edge.source), dest=dest, count=edge.count
    )
