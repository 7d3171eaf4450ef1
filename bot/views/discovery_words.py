"""How the discovery report names things for a sales manager: stages by name, items by
their text (clipped), shares as percentages of a stated sample, moves in plain words.
Pure; shared by the report (bot.views.discovery) and the proposals
(bot.views.discovery_changes)."""

from __future__ import annotations

from bot.core.local_formats import fixed, number, percent_text
from bot.reporting.discovery.report import Move, MoveKind
from bot.views.mrkdwn import clip
from flows.i18n import _, ngettext
from flows.schema import ProcessMap

ITEM_WIDTH = 60


def stage_name(process_map: ProcessMap, stage_id: str | None) -> str:
    if stage_id is None:
        return _("(created)")
    if process_map.has_stage(stage_id):
        return process_map.stage(stage_id).name
    return _("{id} (not in this version of the map)").format(id=stage_id)


def item_name(process_map: ProcessMap, stage_id: str, item_id: str) -> str:
    """The item's text as the card shows it, clipped; its id when the map lost it."""
    item = process_map.stage(stage_id).item(item_id) if process_map.has_stage(stage_id) else None
    return f"“{clip(item.text, ITEM_WIDTH)}”" if item else item_id


def share_of(hits: int, sample: int) -> str:
    """'9 of 11 (82%)': the share with the sample it rests on."""
    rate = percent_text(hits / sample) if sample else "–"
    return _("{hits} of {sample} ({rate})").format(
        hits=number(hits), sample=number(sample), rate=rate
    )


def p_value(value: float) -> str:
    """How unlikely a difference is by chance, as a reader needs it: below a thousandth
    the exact figure says nothing more."""
    return (
        _("p < {p}").format(p=fixed(0.001, decimals=3))
        if value < 0.001
        else _("p = {p}").format(p=fixed(value, decimals=3))
    )


def days(value: float | None) -> str:
    return "–" if value is None else fixed(value, decimals=1)


def deals(count: int) -> str:
    return ngettext("{count} deal", "{count} deals", count).format(count=number(count))


def stays(count: int) -> str:
    return ngettext("{count} stay", "{count} stays", count).format(count=number(count))


def moves(count: int) -> str:
    return ngettext("{count} move", "{count} moves", count).format(count=number(count))


def move_words(process_map: ProcessMap, move: Move) -> str:
    """ "Proposal → Closed won: 90 moves (90% of the moves out of Proposal), skipping
    Negotiation; not on the map"."""
    edge = move.edge
    line = _("{source} → {dest}: {moves}").format(
        source=stage_name(process_map, edge.source),
        dest=stage_name(process_map, edge.dest),
        moves=moves(edge.count),
    )
    if move.share is not None:
        line += " " + _("({share} of the moves out of {source})").format(
            share=percent_text(move.share), source=stage_name(process_map, edge.source)
        )
    notes = [_KIND_NOTES[move.kind]()] if move.kind in _KIND_NOTES else []
    if move.passed:
        names = ", ".join(stage_name(process_map, s) for s in move.passed)
        notes = [_("going around {stages}").format(stages=names)]
    if not edge.on_map:
        notes.append(_("not on the map"))
    return line + (f"; {'; '.join(notes)}" if notes else "")


_KIND_NOTES = {
    MoveKind.BACKWARD: lambda: _("a move back"),
    MoveKind.REOPEN: lambda: _("reopened"),
    MoveKind.RETIRED: lambda: _("a stage this map version does not have"),
}
