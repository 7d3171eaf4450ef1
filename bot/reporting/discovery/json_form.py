"""`stagecoach discover --json`: the report as JSON, ids as the map has them, every figure
with its sample (docs/discovery.md shows the shape)."""

from __future__ import annotations

from typing import Any

from bot.reporting.discovery.report import (
    DiscoveryReport,
    GateOverrides,
    Move,
    StageSkip,
    StageTime,
    WonAgainstLost,
)
from bot.reporting.discovery.thresholds import MIN_DECIDED, SIGNIFICANT


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def report_json(report: DiscoveryReport) -> dict[str, Any]:
    return {
        "map": {"id": report.map.id, "version": report.map.version},
        "scope": report.scope,
        "period": report.period.as_json(),
        "moves": [_move(move) for move in report.moves],
        "skipped_stages": [_skip(skip) for skip in report.skips],
        "time_in_stage": [_time(time) for time in report.times],
        "overrides": [_gate(gate) for gate in report.gates],
        "items_overridden_in_won": [
            {
                "stage": item.stage,
                "item": item.item,
                "won_overridden": item.won_overridden,
                "won_recorded": item.won_recorded,
                "share": _round(item.share),
            }
            for item in report.items_overridden
        ],
        "checklists": [
            {
                "kind": tick.kind.value,
                "stage": tick.stage,
                "items": list(tick.items),
                "hits": tick.hits,
                "sample": tick.sample,
                "share": _round(tick.share),
            }
            for tick in report.ticks
        ],
        "won_against_lost": _outcomes(report.outcomes),
    }


def _move(move: Move) -> dict[str, Any]:
    edge = move.edge
    return {
        "from": edge.source,
        "to": edge.dest,
        "count": edge.count,
        "kind": move.kind.value,
        "on_map": edge.on_map,
        "share_of_source": _round(move.share),
        "went_around": list(move.passed),
    }


def _skip(skip: StageSkip) -> dict[str, Any]:
    return {
        "stage": skip.stage,
        "went_around": skip.around,
        "went_through": skip.through,
        "share": _round(skip.share),
    }


def _time(time: StageTime) -> dict[str, Any]:
    stays = time.stays
    return {
        "stage": time.stage,
        "target_days": time.target_days,
        "stays": stays.count,
        "over_target": stays.over_target,
        "median": _round(stays.median, 2),
        "p75": _round(stays.p75, 2),
        "p90": _round(stays.p90, 2),
        "open_now": time.stuck.open,
        "over_target_now": time.stuck.over_target,
    }


def _gate(gate: GateOverrides) -> dict[str, Any]:
    return {
        "stage": gate.stage,
        "overrides": gate.overrides,
        "moves_on": gate.moves_on,
        "open_items": [{"item": c.key, "count": c.count} for c in gate.open_items],
        "by": [{"user": c.key, "count": c.count} for c in gate.by],
        "deals_now": {"won": gate.won, "lost": gate.lost, "open": gate.still_open},
    }


def _outcomes(found: WonAgainstLost) -> dict[str, Any]:
    return {
        "won": found.won,
        "lost": found.lost,
        "enough_data": found.enough,
        "worked_in_stagecoach": {"won": found.worked_won, "lost": found.worked_lost},
        "minimum_each": MIN_DECIDED,
        "features_tested": found.tested,
        "significance": {"test": "fisher_exact_two_sided", "below": SIGNIFICANT},
        "differences": [
            {
                "kind": d.feature.kind.value,
                "stage": d.feature.stage,
                "key": d.feature.key,
                "won_with": d.feature.won,
                "lost_with": d.feature.lost,
                "of_won": d.won,
                "of_lost": d.lost,
                "won_share": _round(d.won_share),
                "lost_share": _round(d.lost_share),
                "p_value": float(f"{d.p_value:.3g}"),
            }
            for d in found.differences
        ],
    }
