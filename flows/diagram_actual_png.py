"""Draw the discovery picture (flows.diagram_actual) as PNG with pygraphviz, in the look
of the map's own picture (flows/diagram_png.py): the same column for the main path, the
exits on the right, the same borders per kind of stage. What differs: a stage's fill says
how often its stays overran the target, edges are as wide as their traffic and carry
their count, and the moves the map does not have are purple, on the column's left."""

from __future__ import annotations

import pygraphviz as pgv

from flows.diagram import EdgeStyle, NodeStyle
from flows.diagram_actual import (
    MOSTLY_OVER,
    OFTEN_OVER,
    ActualDiagram,
    FlowLine,
    FlowNode,
    Overstay,
)
from flows.diagram_png import EDGE_LOOK, FONT, NODE_LOOK
from flows.i18n import _

# A traffic light, pale enough for black text; white: nothing to judge by.
FILLS = {
    Overstay.UNKNOWN: "#ffffff",
    Overstay.RARELY: "#cdebd3",
    Overstay.OFTEN: "#ffe08a",
    Overstay.MOSTLY: "#f4a3a3",
}
# Purple: no stage, exit or reopen of the map has it. A magenta was tried first and read
# as the lost exits' dark red on the 10,000-deal picture.
OFF_MAP = "#7b1fa2"
FAINT = "#cfcfcf"
UNKNOWN_STAGE = {"color": "#888888", "style": "rounded,filled,dotted"}
MAIN_PATH = (NodeStyle.STAGE, NodeStyle.WON, NodeStyle.POST_SALE)


def to_png(diagram: ActualDiagram) -> bytes:
    """PNG bytes of the picture, laid out top to bottom with `dot`."""
    data: bytes = _graph(diagram).draw(format="png", prog="dot")
    return data


def _graph(diagram: ActualDiagram) -> pgv.AGraph:
    graph = pgv.AGraph(directed=True, strict=False)
    graph.graph_attr.update(
        label=_legend(diagram), labelloc="t", fontname=FONT, rankdir="TB", nodesep="0.5",
        ranksep="0.5", dpi="96", bgcolor="white",
    )  # fmt: skip
    graph.node_attr.update(shape="box", style="rounded,filled", fontname=FONT, fontsize="11")
    graph.edge_attr.update(fontname=FONT, fontsize="10", arrowsize="0.7")
    styles = {node.id: node.style for node in diagram.nodes}
    for node in diagram.nodes:
        graph.add_node(node.id, label=_label(node), **_node_look(node))
    for line in diagram.lines:
        graph.add_edge(line.source, line.dest, **_edge_look(line, styles))
    return graph


def _node_look(node: FlowNode) -> dict[str, str]:
    look = dict(NODE_LOOK[node.style]) if node.style is not None else dict(UNKNOWN_STAGE)
    look["fillcolor"] = FILLS[node.overstay]
    if node.overstay is not Overstay.UNKNOWN:
        look["penwidth"] = "1.5"
    return look


def _edge_look(line: FlowLine, styles: dict[str, NodeStyle | None]) -> dict[str, str]:
    if line.style is None:
        return _off_map_look(line, styles)
    look = dict(EDGE_LOOK[line.style])
    if line.style is EdgeStyle.BRANCH:
        look["color"] = _border(styles.get(line.dest))
    elif line.style is EdgeStyle.REOPEN:
        look["color"] = _border(styles.get(line.source))
    if line.count == 0:  # a step of the main path nobody took: the map's shape
        return look | {"color": FAINT, "penwidth": "1", "arrowsize": "0.5"}
    return look | _traffic(line, look["color"])


def _off_map_look(line: FlowLine, styles: dict[str, NodeStyle | None]) -> dict[str, str]:
    look = {"color": OFF_MAP, "constraint": "false"} | _traffic(line, OFF_MAP)
    if styles.get(line.source) in MAIN_PATH and styles.get(line.dest) in MAIN_PATH:
        # skips and moves back along the column: round its left side, clear of the exits
        look |= {"tailport": "w", "headport": "w"}
    return look


def _traffic(line: FlowLine, color: str) -> dict[str, str]:
    """Width and count; graphviz scales arrowheads with the pen, so the widest edges get
    smaller heads (at full size a busy edge's head hid the count beside it)."""
    arrow = min(0.7, 3.0 / line.width)
    return {
        "penwidth": str(line.width),
        "label": _count(line.count, color),
        "arrowsize": f"{arrow:.2f}",
    }


def _count(count: int, color: str) -> str:
    """An edge's count on a white tag, readable where it crosses a line."""
    text = f'<FONT COLOR="{color}"><B>{count}</B></FONT>'
    return f'<<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="white"><TR><TD>{text}</TD></TR></TABLE>>'


def _border(style: NodeStyle | None) -> str:
    return NODE_LOOK[style]["color"] if style is not None else UNKNOWN_STAGE["color"]


def _label(node: FlowNode) -> str:
    name, *rest = (_escape(line) for line in node.lines)
    small = "".join(f'<BR/><FONT POINT-SIZE="9">{line}</FONT>' for line in rest)
    return f"<<B>{name}</B>{small}>"


def _legend(diagram: ActualDiagram) -> str:
    """Title, whose deals, the two scales, then the moves the map does not have."""
    rows = [f'<TR><TD COLSPAN="4"><FONT POINT-SIZE="18">{_escape(diagram.title)}</FONT></TD></TR>']
    if diagram.subtitle:
        rows.append(f'<TR><TD COLSPAN="4">{_escape(diagram.subtitle)}</TD></TR>')
    scale = [
        (Overstay.RARELY, _("under {low:.0%} over target").format(low=OFTEN_OVER)),
        (Overstay.OFTEN, _("{low:.0%}–{high:.0%}").format(low=OFTEN_OVER, high=MOSTLY_OVER)),
        (Overstay.MOSTLY, _("{high:.0%} or more").format(high=MOSTLY_OVER)),
        (Overstay.UNKNOWN, _("no ended stay or no target")),
    ]
    cells = "".join(
        f'<TD BGCOLOR="{FILLS[step]}" BORDER="1">{_escape(words)}</TD>' for step, words in scale
    )
    rows.append(f'<TR><TD COLSPAN="4">{_escape(_("Fill: ended stays longer than the target"))}</TD></TR>')  # fmt: skip
    rows.append(f"<TR>{cells}</TR>")
    rows.append(f'<TR><TD COLSPAN="4">{_escape(_edges_words())}</TD></TR>')
    if diagram.off_map:
        heading = _("Not on the map (purple), most used first:")
        rows.append(f'<TR><TD COLSPAN="4"><FONT COLOR="{OFF_MAP}"><B>{_escape(heading)}</B></FONT></TD></TR>')  # fmt: skip
        rows += [
            f'<TR><TD COLSPAN="4" CELLPADDING="0"><FONT COLOR="{OFF_MAP}" POINT-SIZE="12">{_escape(line)}</FONT></TD></TR>'
            for line in diagram.off_map
        ]
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def _edges_words() -> str:
    return _(
        "Edges: moves in the period, as wide as their traffic · grey: a step of the map "
        "nobody took · purple: a move the map does not have"
    )


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
