"""`/deal stats`: the KPIs of a scope as one message (pure: a function of the report)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.reporting.kpis import CountedStat, StageStats, Stats
from bot.reporting.outcomes import StatsReport
from bot.views.blocks import context, fields, header, section
from bot.views.counts import counted
from bot.views.gates import gates_text, overridden_text, skipped_text, with_deals
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.mrkdwn import bullets, clip, escape
from bot.views.numbers import days_text, percent, table
from flows.i18n import _

NAME_WIDTH = 28
TOP_REASONS = 5
TOP_OBJECTIONS = 3


def stats_message(report: StatsReport) -> Message:
    stats = report.stats
    title = _("KPIs: {scope}, {period}").format(scope=report.scope_title, period=stats.period.label)
    blocks: list[Block] = [
        header(title),
        fields(_headline(stats)),
        section(_funnel(stats)),
    ]
    blocks += [section(text) for text in (_reasons(stats), _deviations(stats)) if text]
    blocks.append(context(escape(_footer(stats))))
    return Message(text=_summary(title, stats), blocks=blocks)


def _headline(stats: Stats) -> list[tuple[str, str]]:
    money = stats.currency
    velocity = stats.velocity_per_day
    return [
        (
            _("Deals"),
            _("{open} open · {won} won · {lost} lost").format(
                open=stats.statuses.open, won=stats.won, lost=stats.statuses.lost
            ),
        ),
        (_("Win rate"), percent(stats.win_rate)),
        (
            _("Sales cycle"),
            _("{median} median · {mean} mean").format(
                median=days_text(stats.cycle.median), mean=days_text(stats.cycle.mean)
            ),
        ),
        (_("Weighted pipeline"), format_amount(stats.pipeline.weighted, money)),
        (
            _("Velocity"),
            _("{amount} a day").format(amount=format_amount(round(velocity), money))
            if velocity is not None
            else _("not enough data"),
        ),
        (
            _("First response"),
            _("{hours} h median").format(hours=f"{stats.first_response_hours.median:.1f}")
            if stats.first_response_hours.median is not None
            else _("no data"),
        ),
    ]


def _funnel(stats: Stats) -> str:
    head = (_("Stage"), _("Entered"), _("Conv."), _("Days med/p90"))
    rows = [_stage_row(stage) for stage in stats.stages if not stage.post_sale]
    return "*" + _("Funnel (entries in the period)") + "*\n" + table(head, rows)


def _stage_row(stage: StageStats) -> tuple[str, ...]:
    spread = stage.cumulative
    days = (
        f"{days_text(spread.median, unit=False)} / {days_text(spread.p90, unit=False)}"
        if spread.count
        else "–"
    )
    conversion = "" if stage.won else percent(stage.conversion)
    return (clip(stage.stage.name, NAME_WIDTH), str(stage.flow.entered), conversion, days)


def _reasons(stats: Stats) -> str | None:
    lines = [_counted_line(item) for item in stats.lost_reasons[:TOP_REASONS]]
    lines += [
        _("“{objection}” heard {count}×").format(objection=escape(o.label), count=o.count)
        for o in stats.objections[:TOP_OBJECTIONS]
    ]
    if not lines:
        return None
    return "*" + _("Lost reasons and objections") + "*\n" + "\n".join(lines)


def _counted_line(item: CountedStat) -> str:
    return _("{reason}: {count} lost").format(reason=escape(clip(item.label, 80)), count=item.count)


def _deviations(stats: Stats) -> str:
    """Always shown: a period in which every move met its gates says so with zeros."""
    found = stats.deviations
    lines = [
        with_deals(overridden_text(found.overrides), found.overrides, found.recent_overrides),
        with_deals(skipped_text(found.skips), found.skips, found.recent_skips),
    ]
    text = "*" + _("Gates passed without their exit items") + "*\n" + bullets(lines)
    other = _off_the_path(stats)
    return f"{text}\n{other}" if other else text


def _off_the_path(stats: Stats) -> str | None:
    """Moves that leave the straight path without passing a gate: worth knowing, not
    deviations (a reopen to where the deal left, a move back)."""
    reopens = sum(item.count for item in stats.reopens)
    backward = sum(stage.flow.backward_into for stage in stats.stages)
    if not (reopens or backward):
        return None
    parts = [
        counted(reopens, _("{count} reopened"), _("{count} reopened")),
        counted(backward, _("{count} move back"), _("{count} moves back")),
    ]
    return _("Off the straight path: {moves}").format(moves=" · ".join(parts))


def _footer(stats: Stats) -> str:
    return _(
        "Map {map}; amounts in {currency}. Conversion: entries that moved on to a later stage. "
        "Days: per deal, completed stays only. All numbers: stagecoach stats --json"
    ).format(map=stats.map_id, currency=stats.currency)


def _summary(title: str, stats: Stats) -> str:
    numbers = _("{title}: win rate {rate}, {won} won, {lost} lost, cycle {cycle} (median)").format(
        title=title,
        rate=percent(stats.win_rate),
        won=stats.won,
        lost=stats.statuses.lost,
        cycle=days_text(stats.cycle.median),
    )
    gates = gates_text(stats.deviations.overrides, stats.deviations.skips)
    return f"{numbers}; {gates}"
