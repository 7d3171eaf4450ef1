"""Gates overridden: per stage, how often its gate was overridden, which items were open,
by whom, and how those deals ended; per required item, in how many won deals it was open
at an override (what `proposals` reads to make an item optional)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from bot.reporting.discovery.report import Counted, GateOverrides, ItemOverridden, Move
from flows.schema import ProcessMap
from storage.discovery_queries import OverrideRow
from storage.models import DealStatus


def _counted(counter: Counter[str]) -> tuple[Counted, ...]:
    return tuple(Counted(key, n) for key, n in sorted(counter.items(), key=lambda kv: -kv[1]))


def gate_overrides(
    process_map: ProcessMap, rows: Sequence[OverrideRow], moves: Sequence[Move]
) -> tuple[GateOverrides, ...]:
    by_stage: dict[str, list[OverrideRow]] = defaultdict(list)
    for row in rows:
        by_stage[row.stage].append(row)
    moves_on = Counter[str]()
    for move in moves:
        if move.edge.source is not None:
            moves_on[move.edge.source] += move.edge.count
    order = [stage.id for stage in process_map.stages]
    return tuple(
        _gate(stage, by_stage[stage], moves_on[stage])
        for stage in sorted(by_stage, key=lambda s: order.index(s) if s in order else len(order))
    )


def _gate(stage: str, rows: list[OverrideRow], moves_on: int) -> GateOverrides:
    status = {row.deal_id: row.status for row in rows}  # a deal's status now, once per deal
    ended = Counter(status.values())
    return GateOverrides(
        stage=stage,
        overrides=len(rows),
        moves_on=max(moves_on, len(rows)),
        open_items=_counted(Counter(item for row in rows for item in row.open_items)),
        by=_counted(Counter(row.actor_id for row in rows)),
        won=ended[DealStatus.WON.value],
        lost=ended[DealStatus.LOST.value],
        still_open=len(status) - ended[DealStatus.WON.value] - ended[DealStatus.LOST.value],
    )


def items_overridden(
    process_map: ProcessMap, rows: Sequence[OverrideRow], recorded: Mapping[str, int]
) -> tuple[ItemOverridden, ...]:
    """Each required item open at an override in a won deal, with the share of won deals
    whose gate was recorded: distinct deals, however often one was overridden."""
    deals: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in rows:
        if row.status == DealStatus.WON.value:
            for item in row.open_items:
                deals[(row.stage, item)].add(row.deal_id)
    found = []
    for stage in process_map.stages:
        for exit_item in stage.exit:
            hit = deals.get((stage.id, exit_item.id))
            if exit_item.required and hit:
                n = recorded.get(stage.id, 0)
                found.append(ItemOverridden(stage.id, exit_item.id, len(hit), n))
    return tuple(found)
