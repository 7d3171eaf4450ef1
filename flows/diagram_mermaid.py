"""Write a diagram as a Mermaid flowchart (text: no dependency, renders in GitHub and wikis)."""

from __future__ import annotations

import json

from flows.diagram import Diagram, Edge, EdgeStyle, Node, NodeStyle

# Node ids get a prefix: a stage id such as `end` is a Mermaid keyword and would break the chart.
PREFIX = "s_"

SHAPES: dict[NodeStyle, tuple[str, str]] = {
    NodeStyle.STAGE: ("(", ")"),
    NodeStyle.WON: ("[[", "]]"),
    NodeStyle.POST_SALE: ("(", ")"),
    NodeStyle.LOST: ("([", "])"),
    NodeStyle.DISQUALIFIED: ("([", "])"),
    NodeStyle.NURTURE: ("([", "])"),
}

CLASSES: dict[NodeStyle, str] = {
    NodeStyle.STAGE: "fill:#e8f0fe,stroke:#3c5a99",
    NodeStyle.WON: "fill:#b7e1c1,stroke:#1e7b34,stroke-width:3px",
    NodeStyle.POST_SALE: "fill:#eef7ee,stroke:#5b8f5b",
    NodeStyle.LOST: "fill:#f8d7da,stroke:#a4262c,stroke-dasharray:4 3",
    NodeStyle.DISQUALIFIED: "fill:#e2e3e5,stroke:#555555,stroke-dasharray:4 3",
    NodeStyle.NURTURE: "fill:#fff3cd,stroke:#8a6d00,stroke-dasharray:4 3",
}
HIGHLIGHT = "stroke:#d93025,stroke-width:4px"
ARROWS = {EdgeStyle.ADVANCE: "==>", EdgeStyle.BRANCH: "-.->", EdgeStyle.REOPEN: "-.->"}
LINK_STYLES = {EdgeStyle.BRANCH: "stroke:#8c8c8c", EdgeStyle.REOPEN: "stroke:#8a6d00"}


def to_mermaid(diagram: Diagram) -> str:
    """Mermaid `flowchart TD` text: the main path top to bottom, the side exits beside it."""
    lines = ["---", f"title: {json.dumps(diagram.title, ensure_ascii=False)}", "---"]
    lines += ["flowchart TD"]
    lines += [f"    {_node(node)}" for node in diagram.nodes]
    lines += [f"    {_edge(edge)}" for edge in diagram.edges]
    lines += [f"    {line}" for line in _styles(diagram)]
    return "\n".join(lines) + "\n"


def _node(node: Node) -> str:
    opening, closing = SHAPES[node.style]
    label = "<br/>".join(_escape(line) for line in node.lines)
    return f'{PREFIX}{node.id}{opening}"{label}"{closing}'


def _edge(edge: Edge) -> str:
    label = f'|"{_escape(edge.label)}"|' if edge.label else ""
    return f"{PREFIX}{edge.source} {ARROWS[edge.style]}{label} {PREFIX}{edge.dest}"


def _styles(diagram: Diagram) -> list[str]:
    lines = [f"classDef {style.value} {css}" for style, css in CLASSES.items()]
    for node_style in NodeStyle:
        members = [f"{PREFIX}{node.id}" for node in diagram.nodes if node.style is node_style]
        lines += [f"class {','.join(members)} {node_style.value}"] if members else []
    lines += [f"style {PREFIX}{node.id} {HIGHLIGHT}" for node in diagram.nodes if node.highlighted]
    for edge_style, css in LINK_STYLES.items():
        # Mermaid styles links by their position in the text, so count them in the same order.
        numbers = [str(n) for n, edge in enumerate(diagram.edges) if edge.style is edge_style]
        lines += [f"linkStyle {','.join(numbers)} {css}"] if numbers else []
    return lines


def _escape(text: str) -> str:
    # Mermaid's entity codes; '#' first so the codes it adds are not escaped again.
    text = " ".join(text.split()).replace("#", "#35;")
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
