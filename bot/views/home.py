"""App Home: the user's open deals, and for a manager the team's pipeline by stage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from slack_sdk.models.blocks import ActionsBlock, Block
from slack_sdk.models.views import View

from bot.core.outcomes import DealRow
from bot.onboarding.outcomes import RepProgress
from bot.views import limits
from bot.views.blocks import button, context, divider, header, section
from bot.views.counts import counted
from bot.views.deal_rows import row_block
from bot.views.ids import ActionId
from bot.views.money import format_totals
from bot.views.mrkdwn import bold, escape
from bot.views.onboarding import status_blocks
from flows.i18n import _

MY_ROWS = 40  # with the team pipeline below, App Home stays within its 100 blocks
PIPELINE_STAGES = 45
ONBOARDING_SECTIONS = 2  # 40 reps; with a header, divider and note: 96 blocks at most


def home_view(
    *,
    my_rows: list[DealRow],
    team_rows: list[DealRow] | None,
    stage_order: list[str],
    onboarding: list[RepProgress] | None = None,
    my_total: int | None = None,
    team_total: int | None = None,
) -> View:
    """`stage_order` lists the map's stages (names or ids) in order; `team_rows` is None
    for someone who manages nobody; `onboarding` (a manager's reps) adds their status.
    The totals count every deal of each list, the rows only its first (None: the rows are
    all of it)."""
    blocks = my_deals_blocks(my_rows, total=my_total)
    if team_rows is not None:
        blocks += [divider(), *pipeline_blocks(team_rows, stage_order, total=team_total)]
    if onboarding:
        blocks += [divider(), *onboarding_blocks(onboarding)]
    return View(type="home", blocks=blocks[: limits.VIEW_BLOCKS])


def onboarding_blocks(rows: list[RepProgress]) -> list[Block]:
    """The reps' onboarding, one line each; the rest in `/deal onboard status`."""
    body = status_blocks(rows)
    shown = body[:ONBOARDING_SECTIONS]
    note = _("Details: /deal onboard status · a new rep: /deal onboard @name")
    if len(body) > len(shown):
        note = _("More in /deal onboard status")
    return [header(_("Onboarding")), *shown, context(escape(note))]


def my_deals_blocks(rows: list[DealRow], *, total: int | None = None) -> list[Block]:
    refresh = ActionsBlock(
        elements=[button(_("Refresh"), action_id=ActionId.REFRESH_HOME, value="home")]
    )
    if not rows:
        return [header(_("Your open deals")), section(_welcome()), refresh]
    shown = rows[:MY_ROWS]
    count = max(total or 0, len(rows))
    blocks: list[Block] = [header(_("Your open deals ({count})").format(count=count))]
    blocks += [row_block(row, owner=False) for row in shown]
    if count > len(shown):
        more = _("and {count} more: /deal list").format(count=count - len(shown))
        blocks.append(context(escape(more)))
    return [*blocks, refresh]


def _welcome() -> str:
    return "\n".join(
        [
            _("You have no open deals yet. Type one of these anywhere in Slack:"),
            "• `/deal new Acme 50k` — " + _("create a deal at the first stage"),
            "• `/deal onboard` — " + _("a guided tour of the sales process"),
            "• `/deal help` — " + _("every command"),
        ]
    )


@dataclass(slots=True)
class StageTotals:
    count: int = 0
    stuck: int = 0
    idle: int = 0
    amounts: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, row: DealRow) -> None:
        self.count += 1
        self.stuck += row.stuck
        self.idle += row.idle
        if row.amount is not None:
            self.amounts[row.currency] += row.amount


def pipeline_blocks(
    rows: list[DealRow], stage_order: list[str], *, total: int | None = None
) -> list[Block]:
    """The team's deals by stage; when `total` says there are more than the rows read,
    the summary says the stages count only those, of how many."""
    if not rows:
        return [header(_("Team pipeline")), section(_("No open deals in your team yet."))]
    totals = stage_totals(rows, stage_order)
    blocks: list[Block] = [header(_("Team pipeline"))]
    blocks += [section(_stage_line(name, t)) for name, t in list(totals.items())[:PIPELINE_STAGES]]
    everything = StageTotals()
    for row in rows:
        everything.add(row)
    summary = _("{deals} · {amount}").format(
        deals=counted(everything.count, "{count} deal", "{count} deals"),
        amount=format_totals(everything.amounts),
    )
    if total is not None and total > everything.count:
        summary += " · " + escape(
            _("the stages count the {shown} longest in their stage of {total} open deals").format(
                shown=everything.count, total=total
            )
        )
    return [*blocks, context(summary)]


def stage_totals(rows: list[DealRow], stage_order: list[str]) -> dict[str, StageTotals]:
    """Totals per stage name, in map order; stages the order does not know come last."""
    rank = {key: index for index, key in enumerate(stage_order)}
    ordered = sorted(
        rows, key=lambda r: rank.get(r.stage_name, rank.get(r.stage_id, len(stage_order)))
    )
    totals: dict[str, StageTotals] = {}
    for row in ordered:
        totals.setdefault(row.stage_name, StageTotals()).add(row)
    return totals


def _stage_line(name: str, totals: StageTotals) -> str:
    parts = [
        bold(escape(name)),
        counted(totals.count, "{count} deal", "{count} deals"),
        format_totals(totals.amounts),
    ]
    if totals.stuck:
        parts.append(":rotating_light: " + _("{count} stuck").format(count=totals.stuck))
    if totals.idle:
        parts.append(":zzz: " + _("{count} idle").format(count=totals.idle))
    return " · ".join(parts)
