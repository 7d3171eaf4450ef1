"""Rates, day counts and small aligned tables, as the KPI views show them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.local_formats import fixed, percent_text
from flows.i18n import _

NOTHING = "–"
FENCE = "```"


def percent(rate: float | None) -> str:
    """0.4167 → "41.7%"; None (nothing to divide by) → "–"."""
    return NOTHING if rate is None else percent_text(rate, decimals=1)


def days_text(days: float | None, *, unit: bool = True) -> str:
    if days is None:
        return NOTHING
    shown = fixed(days, decimals=1)
    return _("{days} days").format(days=shown) if unit else shown


def table(head: Sequence[str], rows: Sequence[Sequence[str]], *, align: str = "") -> str:
    """A monospace table in a code block; `align` has an l or r per column (default: the
    first left, the others right). Slack shows code blocks verbatim: no escaping needed."""
    align = align or "l" + "r" * (len(head) - 1)
    widths = [max(len(str(row[i])) for row in (head, *rows)) for i in range(len(head))]
    lines = [_line(head, widths, align), *(_line(row, widths, align) for row in rows)]
    return "\n".join([FENCE, *lines, FENCE])


def _line(cells: Sequence[str], widths: Sequence[int], align: str) -> str:
    parts = [
        cell.ljust(width) if side == "l" else cell.rjust(width)
        for cell, width, side in zip(cells, widths, align, strict=True)
    ]
    return "  ".join(parts).rstrip()
