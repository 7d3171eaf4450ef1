"""`/deal stats`: the KPIs of a scope as one message (pure: a function of the report)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_sdk.models.blocks import Block

from bot.core.local_formats import fixed
from bot.reporting.counted import CountedStat, by_stage
from bot.reporting.kpis import StageStats, Stats
from bot.reporting.minimums import VELOCITY_MIN_WON
from bot.reporting.money import CurrencyMoney
from bot.reporting.outcomes import StatsReport
from bot.reporting.periods import period_words as period_words  # one wording everywhere
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
    title = _("KPIs: {scope}, {period}").format(
        scope=report.scope_title, period=period_words(stats.period)
    )
    blocks: list[Block] = [
        header(title),
        fields(_headline(stats)),
        section(_funnel(stats)),
    ]
    blocks += [section(text) for text in (_reasons(stats), _deviations(stats)) if text]
    blocks.append(context(escape(_footer(stats))))
    return Message(text=_summary(title, stats), blocks=blocks)


def _headline(stats: Stats) -> list[tuple[str, str]]:
    fields = [
        (
            _("Deals"),
            _("{open} open · {won} won · {lost} lost").format(
                open=stats.statuses.open, won=stats.won, lost=stats.statuses.lost
            ),
        ),
        (_("Win rate"), percent(stats.win_rate)),
        (_("Sales cycle"), _cycle(stats)),
        (_("Weighted pipeline"), _per_currency(stats, _weighted, won=False)),
        (_("Velocity"), _per_currency(stats, partial(_velocity, stats), won=True)),
        (
            _("First response"),
            _("{hours} h median").format(hours=fixed(stats.first_response_hours.median, decimals=1))
            if stats.first_response_hours.median is not None
            else _("no data"),
        ),
    ]
    if len([m for m in stats.money if m.open or m.won]) > 1:
        fields.append((_("Open deals by currency"), _open_by_currency(stats)))
    return fields


def _cycle(stats: Stats) -> str:
    if not stats.cycle.count:
        return _("no deal won yet")
    return _("{median} median · {mean} mean, from {deals}").format(
        median=days_text(stats.cycle.median),
        mean=days_text(stats.cycle.mean),
        deals=counted(stats.cycle.count, "{count} won deal", "{count} won deals"),
    )


def _shown_money(stats: Stats, *, won: bool) -> list[CurrencyMoney]:
    """The headline figures, then each currency they leave out that has open deals (or
    won ones, for what rests on won deals): no currency's deals vanish from the text."""
    others = [m for m in stats.other_currencies if (m.won if won else m.open)]
    return [stats.headline_money, *others]


def _per_currency(stats: Stats, show: Callable[[CurrencyMoney], str], *, won: bool) -> str:
    shown = " · ".join(show(money) for money in _shown_money(stats, won=won))
    if not (stats.converted and stats.converted.unconverted):
        return shown
    missing = _("(no rate for {currencies})").format(
        currencies=", ".join(stats.converted.unconverted)
    )
    return f"{shown} {missing}"


def _weighted(money: CurrencyMoney) -> str:
    return format_amount(money.weighted, money.currency)


def _velocity(stats: Stats, money: CurrencyMoney) -> str:
    velocity = stats.velocity_in(money)
    if velocity is None:
        text = _("not enough won deals yet ({count})").format(count=money.won_with_amount)
        if money.won_with_amount >= VELOCITY_MIN_WON:  # enough deals, all won within a day
            text = _("not enough won deals yet ({count}, won within a day)").format(
                count=money.won_with_amount
            )
        return text if money.currency == stats.currency else f"{money.currency}: {text}"
    return _("{amount} a day").format(amount=format_amount(round(velocity), money.currency))


def _open_by_currency(stats: Stats) -> str:
    return " · ".join(f"{m.open} {m.currency}" for m in stats.money if m.open or m.won)


def _funnel(stats: Stats) -> str:
    head = (_("Stage"), _("Entered"), _("Still in"), _("Conv. (decided)"), _("Days med/p90"))
    rows = [_stage_row(stage) for stage in (*stats.stages, *stats.retired) if not stage.post_sale]
    text = "*" + _("Funnel (entries in the period)") + "*\n" + table(head, rows)
    moved = _moved_by_migration(stats)
    return f"{text}\n{moved}" if moved else text


def stage_label(stage: StageStats) -> str:
    """The stage's name, and when not every version of the map has it, which do (KPIs
    compare stages by id across versions: bot.reporting.versions)."""
    found = stage.versions
    if found is None or found.in_every_version:
        return stage.stage.name
    if not found.existed:
        note = _("not in the map then")
    elif len(found.versions) == 1:
        note = _("only in v{v}").format(v=found.versions[0])
    else:
        note = _("in v{versions}").format(versions=", v".join(map(str, found.versions)))
    return f"{stage.stage.name} ({note})"


def _moved_by_migration(stats: Stats) -> str | None:
    """Deals a migration moved from an old stage id to a new one: neither converted nor
    lost, so apart from the rates."""
    stages = [s for s in (*stats.stages, *stats.retired) if s.moved_in or s.moved_out]
    if not stages:
        return None
    parts = [
        _("{stage}: {out} out, {into} in").format(
            stage=s.stage.name, out=s.moved_out, into=s.moved_in
        )
        for s in stages
    ]
    return _("Moved by a map migration (not counted in conversion): {parts}").format(
        parts=escape("; ".join(parts))
    )


def _stage_row(stage: StageStats) -> tuple[str, ...]:
    spread = stage.cumulative
    days = (
        f"{days_text(spread.median, unit=False)} / {days_text(spread.p90, unit=False)}"
        if spread.count
        else "–"
    )
    return (
        clip(stage_label(stage), NAME_WIDTH + 14),
        str(stage.flow.entered),
        str(stage.flow.still_in),
        _conversion(stage),
        days,
    )


def _conversion(stage: StageStats) -> str:
    """Converted ÷ decided, with how many were decided; entries still in the stage are
    in their own column and never count against it."""
    if stage.conversion is None:
        return "–"
    return _("{rate} of {decided}").format(
        rate=percent(stage.conversion), decided=stage.flow.decided
    )


def _reasons(stats: Stats) -> str | None:
    """One line per stage, naming it: a reason heard in two stages is two counts on two
    lines, never the same line twice."""
    lost = by_stage(stats.lost_reasons[:TOP_REASONS], stats.stage_order)
    heard = by_stage(stats.objections[:TOP_OBJECTIONS], stats.stage_order)
    lines = [_stage_line(group.stage_name, group.items, _lost_text) for group in lost]
    lines += [_stage_line(group.stage_name, group.items, _heard_text) for group in heard]
    if not lines:
        return None
    return "*" + _("Lost reasons and objections, by stage") + "*\n" + "\n".join(lines)


def _stage_line(
    stage_name: str, items: list[CountedStat], text: Callable[[CountedStat], str]
) -> str:
    where = escape(stage_name) if stage_name else _("no stage")
    return f"{where}: " + " · ".join(text(item) for item in items)


def _lost_text(item: CountedStat) -> str:
    return _("{reason}: {count} lost").format(reason=escape(clip(item.label, 80)), count=item.count)


def _heard_text(item: CountedStat) -> str:
    return _("“{objection}” heard {count}×").format(objection=escape(item.label), count=item.count)


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
        counted(reopens, "{count} reopened", "{count} reopened"),
        counted(backward, "{count} move back", "{count} moves back"),
    ]
    return _("Off the straight path: {moves}").format(moves=" · ".join(parts))


def _footer(stats: Stats) -> str:
    return _(
        "Map {map}; {amounts}. Conversion: of the decided entries (moved on or left), "
        "those that moved on to a later stage; entries still in a stage are not counted "
        "against it. Days: per deal, completed stays only. All numbers: stagecoach stats --json"
    ).format(map=stats.map_id, amounts=_amounts_note(stats))


def _amounts_note(stats: Stats) -> str:
    if stats.converted is None:
        return _("amounts per currency, never added across currencies")
    return _("amounts in {currency}, converted at the configured rates").format(
        currency=stats.currency
    )


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
