"""`/deal plan`: the reverse funnel as one message (pure: a function of the report)."""

from __future__ import annotations

import math

from bot.reporting.outcomes import PlanReport
from bot.reporting.plan import Plan, PlanStep, Source
from bot.views.blocks import context, header, section
from bot.views.counts import counted
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.mrkdwn import clip
from bot.views.numbers import percent, table
from flows.i18n import _
from flows.schema import Stage

NAME_WIDTH = 28


def plan_message(report: PlanReport) -> Message:
    plan = report.plan
    quota = format_amount(plan.quota, plan.currency)
    title = _("Plan: {quota} per {period}, {scope}").format(
        quota=quota, period=plan.period.words(), scope=report.scope_title
    )
    blocks = [header(title), section(_wins(plan)), section(_table(plan))]
    blocks.append(context(_how(plan)))
    return Message(text=_summary(title, plan), blocks=blocks)


def _wins(plan: Plan) -> str:
    return _("Average won deal: *{average}* (from {deals}) → *{wins} wins* per {period}.").format(
        average=format_amount(round(plan.average_won_amount), plan.currency),
        deals=counted(plan.won_deals_measured, "{count} won deal", "{count} won deals"),
        wins=plan.wins,
        period=plan.period.words(),
    )


def _table(plan: Plan) -> str:
    monthly = plan.period.months > 1  # a month's figures beside a quarter's or a year's
    per_period = _("per {period}").format(period=plan.period.words())
    head = (_("Stage"), per_period, *((_("a month"),) if monthly else ()), _("Conversion"))
    rows = [
        _row(plan, step.stage, step.needed, _conversion(step, plan.min_decided))
        for step in plan.steps
    ]
    rows.append(_row(plan, plan.won_stage, float(plan.wins), ""))
    align = "lrrl" if monthly else "lrl"
    return "*" + _("Deals that must enter each stage") + "*\n" + table(head, rows, align=align)


def _row(plan: Plan, stage: Stage, needed: float, conversion: str) -> tuple[str, ...]:
    monthly = (str(_monthly(needed, plan)),) if plan.period.months > 1 else ()
    return (clip(stage.name, NAME_WIDTH), str(math.ceil(needed - 1e-9)), *monthly, conversion)


def _monthly(needed: float, plan: Plan) -> int:
    return math.ceil(needed / plan.period.months - 1e-9)


def _conversion(step: PlanStep, minimum: int) -> str:
    """Says what the rate rests on: decided entries only (still in the stage is no failure)."""
    still = _(", {count} still in stage").format(count=step.still_in) if step.still_in else ""
    if step.source is Source.MEASURED:
        return _("{rate} measured ({decided} decided{still})").format(
            rate=percent(step.conversion), decided=step.decided, still=still
        )
    measured = (
        _("{rate} from {decided} decided").format(rate=percent(step.measured), decided=step.decided)
        if step.measured is not None
        else _("nothing decided yet")
    )
    return _("{rate} map default ({measured}{still}: not yet meaningful, under {minimum})").format(
        rate=percent(step.conversion), measured=measured, still=still, minimum=minimum
    )


def _how(plan: Plan) -> str:
    defaults = [step.stage.name for step in plan.steps if step.source is Source.MAP]
    note = (
        _(
            "Too few decided entries to measure (under {minimum}), so map defaults (win "
            "probabilities) for: {stages}."
        ).format(minimum=plan.min_decided, stages=", ".join(defaults))
        if defaults
        else _("Every conversion is measured.")
    )
    return _(
        "Walked back from the wins needed, dividing by each stage's conversion over all "
        "recorded history: of the entries that moved on or left, those that moved on. {note}"
    ).format(note=note)


def _summary(title: str, plan: Plan) -> str:
    wins = counted(plan.wins, "{count} win needed", "{count} wins needed")
    top = plan.top
    if top is None:
        return f"{title}: {wins}"
    return _("{title}: {wins}, {deals} new deals in {stage}").format(
        title=title, wins=wins, deals=top.deals, stage=top.stage.name
    )
