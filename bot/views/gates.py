"""How `/deal stats` and the digests say which moves passed gates without their exit items
(storage.kpi_deviations; docs/kpis.md). Both count gates, so "3 gates passed by override"
reads the same in either, and a zero is said, not left out: no deviation is news too."""

from __future__ import annotations

from collections.abc import Sequence

from bot.views.counts import counted
from bot.views.mrkdwn import bold, escape
from flows.i18n import _
from storage.kpi_deviations import GateDeviation, Tally

MAX_NAMES = 5  # deals named per kind; the rest are counted


def gates_text(overridden: Tally, skipped: Tally) -> str:
    """ "3 gates passed without their exit items" (all of them, both kinds)."""
    gates = overridden.gates + skipped.gates
    return counted(
        gates,
        "{count} gate passed without its exit items",
        "{count} gates passed without their exit items",
    )


def overridden_text(tally: Tally) -> str:
    """ "3 gates passed by override" """
    return counted(
        tally.gates, "{count} gate passed by override", "{count} gates passed by override"
    )


def skipped_text(tally: Tally) -> str:
    """ "3 gates skipped without an override, in 2 moves" (the moves only when they differ)."""
    text = counted(
        tally.gates,
        "{count} gate skipped without an override",
        "{count} gates skipped without an override",
    )
    if tally.moves and tally.moves != tally.gates:
        moves = counted(tally.moves, "{count} move", "{count} moves")
        text = _("{gates}, in {moves}").format(gates=text, moves=moves)
    return text


def with_deals(text: str, tally: Tally, found: Sequence[GateDeviation]) -> str:
    """`text`, then the deals it counts, newest first: "…: *Globex* (#4), *Acme* (#1) and 2
    more deals"."""
    if not tally.moves:
        return text
    names: dict[int, str] = {}
    for deviation in found:
        names.setdefault(
            deviation.deal_id, f"{bold(escape(deviation.deal_name))} (#{deviation.deal_id})"
        )
    shown = list(names.values())[:MAX_NAMES]
    more = tally.deals - len(shown)
    listed = ", ".join(shown)
    if more > 0:
        others = counted(more, "{count} more deal", "{count} more deals")
        listed = _("{deals} and {others}").format(deals=listed, others=others)
    return f"{text}: {listed}"
