"""Draw a diagram as PNG with pygraphviz (its wheel bundles libgraphviz: no system `dot`)."""

from __future__ import annotations

import pygraphviz as pgv

from flows.diagram import Diagram, Edge, EdgeStyle, Node, NodeStyle
from flows.i18n import N_, _

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"

# Fill and border per style: the funnel neutral, the win green and doubled, post-sale pale
# green, the side exits in their own colours so a glance tells the main path from the exits.
NODE_LOOK: dict[NodeStyle, dict[str, str]] = {
    NodeStyle.STAGE: {"fillcolor": "#e8f0fe", "color": "#3c5a99"},
    NodeStyle.WON: {"fillcolor": "#b7e1c1", "color": "#1e7b34", "peripheries": "2"},
    NodeStyle.POST_SALE: {"fillcolor": "#eef7ee", "color": "#5b8f5b"},
    NodeStyle.LOST: {"fillcolor": "#f8d7da", "color": "#a4262c", "style": "rounded,filled,dashed"},
    NodeStyle.DISQUALIFIED: {"fillcolor": "#e2e3e5", "color": "#555555", "style": "rounded,filled,dashed"},
    NodeStyle.NURTURE: {"fillcolor": "#fff3cd", "color": "#8a6d00", "style": "rounded,filled,dashed"},
}  # fmt: skip
HIGHLIGHT = {"color": "#d93025", "penwidth": "4"}
LEGEND = N_("solid: advance · dashed: exit to lost, nurture or disqualified · dotted: reopen")

# Heavy weight keeps the main path one straight column on the left. Branch and reopen edges
# all leave and enter stages on their east side, so the exits and their loops stay on the
# right instead of crossing the column; reopen edges point back up the path and would fold
# the column if they ranked nodes (constraint=false).
EDGE_LOOK: dict[EdgeStyle, dict[str, str]] = {
    EdgeStyle.ADVANCE: {"penwidth": "2", "color": "#3c5a99", "weight": "20"},
    EdgeStyle.BRANCH: {"style": "dashed", "color": "#8c8c8c", "fontcolor": "#6b6b6b", "weight": "1", "tailport": "e"},
    EdgeStyle.REOPEN: {"style": "dotted", "color": "#8a6d00", "fontcolor": "#8a6d00", "constraint": "false", "tailport": "e", "headport": "e"},
}  # fmt: skip


def to_png(diagram: Diagram) -> bytes:
    """PNG bytes of the diagram, laid out top to bottom with `dot`."""
    graph = _graph(diagram)
    data: bytes = graph.draw(format="png", prog="dot")
    return data


def _graph(diagram: Diagram) -> pgv.AGraph:
    graph = pgv.AGraph(directed=True, strict=False)
    graph.graph_attr.update(
        label=f"{diagram.title}\n{_(LEGEND)}", labelloc="t", fontsize="18", fontname=FONT, rankdir="TB",
        nodesep="0.4", ranksep="0.45", dpi="96", bgcolor="white",
    )  # fmt: skip
    graph.node_attr.update(shape="box", style="rounded,filled", fontname=FONT, fontsize="11")
    graph.edge_attr.update(fontname=FONT, fontsize="9", arrowsize="0.7")
    styles = {node.id: node.style for node in diagram.nodes}
    for node in diagram.nodes:
        graph.add_node(node.id, label=_label(node), **_node_look(node))
    for edge in diagram.edges:
        graph.add_edge(edge.source, edge.dest, **_edge_look(edge, styles))
    return graph


def _edge_look(edge: Edge, styles: dict[str, NodeStyle]) -> dict[str, str]:
    """Exits and reopens take the colour of the side stage they touch, with no label: the
    dozens of "lose" / "nurture" / "reopen" labels were the clutter of a 14-stage map, and
    the colour already says which exit an edge is (the legend says dashed vs dotted)."""
    look = dict(EDGE_LOOK[edge.style])
    if edge.style is EdgeStyle.BRANCH:
        look["color"] = NODE_LOOK[styles[edge.dest]]["color"]
    elif edge.style is EdgeStyle.REOPEN:
        look["color"] = NODE_LOOK[styles[edge.source]]["color"]
    else:
        look["label"] = edge.label
    return look


def _node_look(node: Node) -> dict[str, str]:
    look = dict(NODE_LOOK[node.style])
    return look | HIGHLIGHT if node.highlighted else look


def _label(node: Node) -> str:
    # An HTML-like label: the name bold, owner and count smaller beneath it.
    name, *rest = (_escape(line) for line in node.lines)
    small = "".join(f'<BR/><FONT POINT-SIZE="9">{line}</FONT>' for line in rest)
    return f"<<B>{name}</B>{small}>"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
