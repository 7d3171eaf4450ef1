"""A channel digest as a Slack message, from bot.digests.content (nudges: bot.views.nudge)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from bot.core.local_formats import day_and_time, percent_text
from bot.core.outcomes import SLIPPING_PUSHES
from bot.core.scope import ScopeKind
from bot.digests.content import (
    Awaiting,
    DealLine,
    Deviation,
    Digest,
    Flagged,
    Movement,
    ObjectionCount,
    Slipping,
    WaitingHandoff,
)
from bot.digests.schedule import zone
from bot.reporting.funnel import Funnel, FunnelRow
from bot.reporting.periods import label_words
from bot.views.blocks import context, divider, header, section
from bot.views.close_date import close_date_text, slipping_text
from bot.views.counts import counted
from bot.views.feedback import feedback_section
from bot.views.gates import gates_text, overridden_text, skipped_text
from bot.views.handoff import waiting_text
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.mrkdwn import bold, bullets, escape, mention
from flows.i18n import _
from storage.kpi_deviations import DeviationKind

MAX_LINES = 8  # per list; the rest is counted ("and 4 more")


# -- the digest ----------------------------------------------------------------------------


def digest_message(digest: Digest) -> Message:
    blocks: list[Block] = [header(_title(digest)), context(_subtitle(digest))]
    blocks += _movement_blocks(digest) + _attention_blocks(digest)
    if digest.funnel is not None:
        blocks += [divider(), section(funnel_text(digest.funnel))]
    return Message(text=digest_text(digest), blocks=blocks)


def chart_title(digest: Digest) -> str:
    """The funnel chart's title (and alt text): its period and the digest's moment."""
    assert digest.funnel is not None
    return _("Sales funnel, {period} · {when}").format(
        period=label_words(digest.funnel.period_label),
        when=local_time(digest.window_end, digest.tz),
    )


def digest_text(digest: Digest) -> str:
    """ "Daily digest: 2 new, 1 advanced, 1 won, 0 lost · 3 stuck, 1 idle"."""
    moved = _("{new} new, {advanced} advanced, {won} won, {lost} lost").format(
        new=len(digest.new),
        advanced=len(digest.advanced),
        won=len(digest.won),
        lost=len(digest.lost),
    )
    flagged = _("{stuck} stuck, {idle} idle").format(stuck=len(digest.stuck), idle=len(digest.idle))
    if digest.slipping:
        flagged += ", " + _("{count} slipping").format(count=len(digest.slipping))
    gates = gates_text(digest.overridden, digest.skipped)
    return f"{_title(digest)}: {moved} · {flagged} · {gates}"


def _title(digest: Digest) -> str:
    return _("Daily digest") if digest.frequency == "daily" else _("Weekly digest")


def _subtitle(digest: Digest) -> str:
    since = local_time(digest.window_start, digest.tz)
    until = local_time(digest.window_end, digest.tz)
    window = _("{start} to {end} ({tz})").format(start=since, end=until, tz=escape(digest.tz))
    return f"{scope_text(digest.scope, digest.scope_user_id)} · {window}"


def scope_text(kind: ScopeKind, user_id: str | None) -> str:
    if kind is ScopeKind.TEAM and user_id:
        return _("{manager}'s team").format(manager=mention(user_id))
    if kind is ScopeKind.OWNER and user_id:
        return _("deals of {owner}").format(owner=mention(user_id))
    return _("the whole workspace")


def local_time(moment: dt.datetime, tz: str | None) -> str:
    """ "Mon 2 Mar 09:00" in the subscriber's zone."""
    return day_and_time(moment.astimezone(zone(tz)))


def _movement_blocks(digest: Digest) -> list[Block]:
    groups = [
        (":seedling: " + _("New"), digest.new, _new_line),
        (":arrow_forward: " + _("Advanced"), digest.advanced, _move_line),
        (":trophy: " + _("Won"), digest.won, _move_line),
        (":no_entry: " + _("Lost"), digest.lost, _lost_line),
        (":zzz: " + _("Parked in nurture"), digest.parked, _move_line),
        (":leftwards_arrow_with_hook: " + _("Reopened"), digest.reopened, _move_line),
    ]
    parts = [_listing(title, items, line) for title, items, line in groups if items]
    if not parts:
        return [section(_("Nothing moved since the last digest."))]
    return [section(part) for part in parts]  # one section each: 3000 characters apiece


def _attention_blocks(digest: Digest) -> list[Block]:
    parts = []
    if digest.stuck:
        parts.append(_listing(":rotating_light: " + _("Stuck"), digest.stuck, _stuck_line))
    if digest.idle:
        parts.append(_listing(":zzz: " + _("Idle"), digest.idle, _idle_line))
    if not (digest.stuck or digest.idle):
        parts.append(_("No deal is stuck or idle."))
    if digest.slipping:
        title = ":warning: " + _(
            "Slipping: expected close moved later {count} times or more"
        ).format(count=SLIPPING_PUSHES)
        parts.append(_listing(title, digest.slipping, _slipping_line))
    parts.append(_gates(digest))
    if digest.awaiting:
        title = "⏳ " + _("Awaiting a manager's validation")
        parts.append(_listing(title, digest.awaiting, _awaiting_line))
    if digest.handoffs:
        parts.append(_listing("🤝 " + _("Handoffs not accepted"), digest.handoffs, _handoff_line))
    if digest.objections:
        title = ":speech_balloon: " + _("Top objections")
        parts.append(_listing(title, digest.objections, _objection_line))
    if digest.feedback.total:
        parts.append(feedback_section(digest.feedback.lines, digest.feedback.total))
    return [divider(), *(section(part) for part in parts)]


def _gates(digest: Digest) -> str:
    """Every gate passed without its exit items in the window, counted, then the newest
    moves that did it (overrides first); none is said as a zero."""
    title = gates_text(digest.overridden, digest.skipped)
    if not digest.deviation_moves:
        return f":white_check_mark: {title}"
    split = f"{overridden_text(digest.overridden)} · {skipped_text(digest.skipped)}"
    shown = [_deviation_line(d) for d in digest.deviations[:MAX_LINES]]
    more = digest.deviation_moves - len(shown)
    if more > 0:
        shown.append(_("and {count} more").format(count=more))
    return f"{bold(':warning: ' + title)}\n{split}\n{bullets(shown)}"


def _listing(title: str, items: Sequence[Any], line: Callable[[Any], str]) -> str:
    shown = [line(item) for item in items[:MAX_LINES]]
    more = len(items) - len(shown)
    if more:
        shown.append(_("and {count} more").format(count=more))
    return f"{bold(title)} ({len(items)})\n{bullets(shown)}"


def _deal(deal: DealLine) -> str:
    amount = f" · {format_amount(deal.amount, deal.currency)}" if deal.amount is not None else ""
    close = (
        " · " + _("closes {date}").format(date=close_date_text(deal.expected_close))
        if deal.expected_close
        else ""
    )
    return f"{bold(escape(deal.name))} (#{deal.deal_id}){amount}{close} · {mention(deal.owner_id)}"


def _new_line(move: Movement) -> str:
    return f"{_deal(move.deal)} · {escape(move.to_stage or '')}"


def _move_line(move: Movement) -> str:
    return f"{_deal(move.deal)} · {escape(move.from_stage or '')} → {escape(move.to_stage or '')}"


def _lost_line(move: Movement) -> str:
    reason = f": {escape(move.reason)}" if move.reason else ""
    return f"{_deal(move.deal)} · {_('at {stage}').format(stage=escape(move.from_stage or ''))}{reason}"


def _stuck_line(flagged: Flagged) -> str:
    days = counted(flagged.days, "{count} day", "{count} days")
    where = _("{days} in {stage} (target {target})").format(
        days=days, stage=escape(flagged.deal.stage_name), target=flagged.limit
    )
    return f"{_deal(flagged.deal)} · {where}"


def _slipping_line(slipping: Slipping) -> str:
    return f"{_deal(slipping.deal)} · {slipping_text(slipping.pushes)}"


def _idle_line(flagged: Flagged) -> str:
    days = counted(flagged.days, "{count} day", "{count} days")
    where = _("no activity for {days} in {stage}").format(
        days=days, stage=escape(flagged.deal.stage_name)
    )
    return f"{_deal(flagged.deal)} · {where}"


def _awaiting_line(awaiting: Awaiting) -> str:
    days = counted(awaiting.days, "{count} day", "{count} days")
    said = _("{number}. {item}, ticked by {rep} {days} ago").format(
        number=awaiting.number,
        item=escape(awaiting.item),
        rep=mention(awaiting.ticked_by),
        days=days,
    )
    return f"{_deal(awaiting.deal)} · {said}"


def _handoff_line(held: WaitingHandoff) -> str:
    return f"{_deal(held.deal)} · {waiting_text(held.team, held.hours)}"


def _deviation_line(deviation: Deviation) -> str:
    if deviation.kind is DeviationKind.OVERRIDE:
        what = _("gate overridden by {who} with {open}").format(
            who=mention(deviation.actor_id),
            open=counted(deviation.open_items, "{count} item open", "{count} items open"),
        )
        reason = f": _{escape(deviation.reason)}_" if deviation.reason else ""
        return f"{_deal(deviation.deal)} · {_stages(deviation)} · {what}{reason}"
    skipped = counted(
        deviation.gates,
        "{count} gate skipped without an override",
        "{count} gates skipped without an override",
    )
    return f"{_deal(deviation.deal)} · {_stages(deviation)} · {skipped}"


def _stages(deviation: Deviation) -> str:
    source, dest = escape(deviation.from_stage or ""), escape(deviation.to_stage or "")
    if deviation.left_stage is None:
        return f"{source} → {dest}"
    return _("left at {left}, reopened from {side} into {stage}").format(
        left=escape(deviation.left_stage), side=source, stage=dest
    )


def _objection_line(objection: ObjectionCount) -> str:
    return f"“{escape(objection.text)}” ×{objection.count}"


def funnel_text(funnel: Funnel) -> str:
    title = bold(_("Funnel, {period}").format(period=label_words(funnel.period_label)))
    lines = [_funnel_row(row) for row in funnel.rows]
    win_rate = _percent(funnel.win_rate)
    amounts = [format_amount(funnel.weighted_pipeline, funnel.currency)]
    amounts += [format_amount(other.weighted, other.currency) for other in funnel.other_pipelines]
    totals = _("Win rate {rate} · weighted pipeline {amount}").format(
        rate=win_rate, amount=" · ".join(amounts)
    )
    return f"{title}\n{bullets(lines)}\n{totals}"


def _funnel_row(row: FunnelRow) -> str:
    """Conversion counts decided entries only: the ones still in the stage are said apart."""
    parts = [_("{count} entered").format(count=row.entered)]
    if row.conversion is not None:
        parts.append(
            _("{rate} of {decided} decided moved on").format(
                rate=_percent(row.conversion), decided=row.decided
            )
        )
    if row.still_in:
        parts.append(_("{count} still in stage").format(count=row.still_in))
    return f"{escape(row.stage_name)}: " + ", ".join(parts)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else percent_text(rate)
