"""The JSON form of a report's KPIs: the shape `stagecoach stats --json` promises (pinned by
tests/reporting/test_json_shape.py), then extra keys. Rates, days and money are rounded here."""

from __future__ import annotations

from typing import Any

from bot.reporting.counted import StageGroup, totals_by_label
from bot.reporting.kpis import StageStats, Stats
from bot.reporting.minimums import PLAN_MIN_DECIDED, VELOCITY_MIN_CYCLE_DAYS, VELOCITY_MIN_WON
from bot.reporting.money import CurrencyMoney
from storage.kpi_deviations import GateDeviations, Tally
from storage.percentiles import Summary

RATE_DIGITS, DAY_DIGITS, MONEY_DIGITS = 4, 1, 2


def stats_json(stats: Stats) -> dict[str, Any]:
    """The pinned `stagecoach stats --json` shape, then the extra keys."""
    return {
        "scope": stats.scope,
        "period": stats.period.as_json(),
        "deals": {
            "open": stats.statuses.open,
            "won": stats.won,
            "lost": stats.statuses.lost,
            "disqualified": stats.statuses.disqualified,
            "nurture": stats.statuses.nurture,
        },
        "win_rate": _rate(stats.win_rate),
        "cycle_length_days": {
            "median": _days(stats.cycle.median),
            "mean": _days(stats.cycle.mean),
        },
        "stages": [_stage_json(stage) for stage in stats.stages],
        "weighted_pipeline": _money(stats.pipeline.weighted),
        "velocity_per_day": _round(stats.velocity_per_day, DAY_DIGITS),
        "first_response_hours": {"median": _days(stats.first_response_hours.median)},
        "lost_reasons": [
            {"reason": label, "count": count}
            for label, count in totals_by_label(stats.lost_reasons)
        ],
        **_extras_json(stats),
    }


def _stage_json(stage: StageStats) -> dict[str, Any]:
    return {
        "id": stage.stage.id,
        "entered": stage.flow.entered,
        "converted": stage.flow.converted,
        "conversion": _rate(stage.conversion),
        "time_in_stage_days": _spread(stage.cumulative),
        "name": stage.stage.name,
        "still_in": stage.flow.still_in,
        "decided": stage.flow.decided,
        "left_otherwise": stage.flow.left_otherwise,
        "terminal": stage.terminal,
        "won": stage.won,
        "post_sale": stage.post_sale,
        "time_in_stage_deals": stage.cumulative.count,
        "time_in_stage_latest_days": _spread(stage.latest),
        "skipped_into": stage.flow.skipped_into,
        # across map versions (bot.reporting.versions)
        "versions": list(stage.versions.versions) if stage.versions else None,
        "existed_in_period": stage.versions.existed if stage.versions else True,
        "migrated_in": stage.moved_in,
        "migrated_out": stage.moved_out,
        "backward_into": stage.flow.backward_into,
    }


def _extras_json(stats: Stats) -> dict[str, Any]:
    return {
        "map": stats.map_id,
        # stages only other versions of the map have, with figures in the period
        "retired_stages": [_stage_json(stage) for stage in stats.retired],
        "currency": stats.currency,
        "period_label": stats.period.label,
        "win_rate_deals": stats.won + stats.statuses.lost,
        "cycle_length_deals": stats.cycle.count,
        "first_response_deals": stats.first_response_hours.count,
        "reporting_currency": stats.converted.total.currency if stats.converted else None,
        "pipeline": _pipeline_json(stats),
        "exits": [
            {
                "id": s.stage.id,
                "kind": s.stage.kind.value,
                "entered": s.flow.entered,
                "time_in_stage_days": _spread(s.cumulative),
            }
            for s in stats.exits
        ],
        "objections": [
            {"id": c.key, "objection": c.label, "stage": c.stage, "count": c.count}
            for c in stats.objections
        ],
        "deviations": {
            "overrides": [{"stage": c.stage, "count": c.count} for c in stats.overrides],
            "reopens": [{"stage": c.stage, "count": c.count} for c in stats.reopens],
            "skipped_moves": sum(s.flow.skipped_into for s in stats.stages),
            "stages_skipped": sum(s.flow.stages_skipped for s in stats.stages),
            "backward_moves": sum(s.flow.backward_into for s in stats.stages),
            **_gates_json(stats.deviations),
        },
        "other_currencies": [
            {"currency": m.currency, "open": m.open, "weighted_pipeline": _money(m.weighted)}
            for m in stats.other_currencies
        ],
        **_breakdowns_json(stats),
    }


def _breakdowns_json(stats: Stats) -> dict[str, Any]:
    """Per currency, per stage, and the minimum samples the numbers were held to."""
    return {
        "currencies": [_currency_json(stats, money) for money in stats.money],
        "minimums": {
            "velocity_won_deals": VELOCITY_MIN_WON,
            "velocity_cycle_days": VELOCITY_MIN_CYCLE_DAYS,
            "plan_decided_entries": PLAN_MIN_DECIDED,
        },
        "objections_by_stage": [
            _group_json(group, "objection", with_id=True) for group in stats.objections_by_stage
        ],
        "lost_reasons_by_stage": [
            _group_json(group, "reason") for group in stats.lost_reasons_by_stage
        ],
    }


def _pipeline_json(stats: Stats) -> dict[str, Any]:
    """Counts over every open deal; amounts in `currency` only, covering `deals_in_amount`
    of them (the deals in `currencies_in_amount`); the rest are under `currencies`."""
    headline = stats.headline_money
    return {
        "open": sum(m.open for m in stats.money),
        "open_qualified": sum(m.qualified for m in stats.money),
        "currency": stats.currency,
        "amount": _money(headline.amount),
        "weighted": _money(headline.weighted),
        "deals_in_amount": headline.open,
        "currencies_in_amount": list(
            stats.converted.currencies if stats.converted else [stats.currency]
        ),
        "unconverted": list(stats.converted.unconverted) if stats.converted else [],
        "average_won_amount": _round(headline.average_won_amount, MONEY_DIGITS),
        "won_with_amount": headline.won_with_amount,
    }


def _currency_json(stats: Stats, money: CurrencyMoney) -> dict[str, Any]:
    """One currency's figures: the counts of all currencies add up to the report's."""
    return {
        "currency": money.currency,
        "open": money.open,
        "open_qualified": money.qualified,
        "amount": _money(money.amount),
        "weighted_pipeline": _money(money.weighted),
        "won": money.won,
        "won_with_amount": money.won_with_amount,
        "won_amount": _money(money.won_total),
        "average_won_amount": _round(money.average_won_amount, MONEY_DIGITS),
        "velocity_per_day": _round(stats.velocity_in(money), DAY_DIGITS),
    }


def _group_json(group: StageGroup, label: str, *, with_id: bool = False) -> dict[str, Any]:
    return {
        "stage": group.stage,
        "name": group.stage_name,
        "count": group.count,
        "items": [
            {**({"id": c.key} if with_id else {}), label: c.label, "count": c.count}
            for c in group.items
        ],
    }


def _gates_json(found: GateDeviations) -> dict[str, Any]:
    """The moves that passed gates without their exit items (storage.kpi_deviations)."""
    return {
        "gate_deviations": found.moves,
        "gates_passed_without_items": found.gates,
        "gates_overridden": _tally_json(found.overrides),
        "gates_skipped": _tally_json(found.skips),
    }


def _tally_json(tally: Tally) -> dict[str, int]:
    return {"moves": tally.moves, "gates": tally.gates, "deals": tally.deals}


def _spread(summary: Summary) -> dict[str, float | None]:
    return {"median": _days(summary.median), "p90": _days(summary.p90)}


def _rate(value: float | None) -> float | None:
    return _round(value, RATE_DIGITS)


def _days(value: float | None) -> float | None:
    return _round(value, DAY_DIGITS)


def _money(value: float | None) -> float | None:
    return _round(value, MONEY_DIGITS)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)
