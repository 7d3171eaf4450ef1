"""The digest's funnel chart as a PNG: one bar per stage, as wide as the deals that entered it.

Drawn by pygraphviz (its wheel bundles libgraphviz) as one HTML-like table, so no plotting
library is needed: bars are fixed-size coloured cells, labels are text cells.
"""

from __future__ import annotations

from html import escape

import pygraphviz as pgv

from bot.core.local_formats import number, percent_text
from bot.reporting.funnel import Funnel, FunnelRow
from bot.reporting.periods import label_words
from flows.i18n import _

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
BAR_WIDTH = 420  # points for the widest bar
BAR_HEIGHT = 26
BAR_COLOUR = "#3c5a99"
WON_COLOUR = "#1e7b34"
TRACK_COLOUR = "#eef1f6"


def funnel_chart_png(funnel: Funnel, *, title: str) -> bytes:
    graph = pgv.AGraph(directed=False)
    graph.graph_attr.update(dpi="110", bgcolor="white", margin="0.2", pad="0.2")
    graph.node_attr.update(shape="plaintext", fontname=FONT, fontsize="13")
    graph.add_node("funnel", label=f"<{_table(funnel, title)}>")
    data: bytes = graph.draw(format="png", prog="dot")
    return data


def _table(funnel: Funnel, title: str) -> str:
    widest = max((row.entered for row in funnel.rows), default=0) or 1
    rows = "".join(_row(row, widest) for row in funnel.rows)
    heading = f'<TR><TD COLSPAN="3" ALIGN="LEFT"><FONT POINT-SIZE="17"><B>{escape(title)}</B></FONT></TD></TR>'
    footer = f'<TR><TD COLSPAN="3" ALIGN="LEFT"><FONT POINT-SIZE="12" COLOR="#555555">{escape(_footer(funnel))}</FONT></TD></TR>'
    return f'<TABLE BORDER="0" CELLSPACING="6" CELLPADDING="2">{heading}{rows}{footer}</TABLE>'


def _row(row: FunnelRow, widest: int) -> str:
    filled = max(1, round(BAR_WIDTH * row.entered / widest)) if row.entered else 0
    colour = WON_COLOUR if row.won else BAR_COLOUR
    bar = _cell(filled, colour) + _cell(BAR_WIDTH - filled, TRACK_COLOUR)
    return (
        f'<TR><TD ALIGN="RIGHT">{escape(row.stage_name)}</TD>'
        f'<TD><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>{bar}</TR></TABLE></TD>'
        f'<TD ALIGN="LEFT">{escape(_numbers(row))}</TD></TR>'
    )


def _cell(width: int, colour: str) -> str:
    if width <= 0:
        return ""
    return f'<TD WIDTH="{width}" HEIGHT="{BAR_HEIGHT}" FIXEDSIZE="TRUE" BGCOLOR="{colour}"></TD>'


def _numbers(row: FunnelRow) -> str:
    entered = _("{count} entered").format(count=number(row.entered))
    if row.conversion is None or row.won:
        return entered
    return _("{entered}, {rate} of {decided} moved on").format(
        entered=entered, rate=percent_text(row.conversion), decided=number(row.decided)
    )


def _footer(funnel: Funnel) -> str:
    rate = "–" if funnel.win_rate is None else percent_text(funnel.win_rate)
    period = label_words(funnel.period_label)
    return _("Over {period} · win rate {rate}").format(period=period, rate=rate)
