"""Deal rows as lists, candidates and App Home show them: one line and an Open button."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.core.outcomes import DealRow
from bot.views.blocks import button, section
from bot.views.close_date import close_date_text
from bot.views.counts import counted
from bot.views.ids import ActionId, DealRef
from bot.views.money import format_amount
from bot.views.mrkdwn import bold, escape, mention
from flows.i18n import N_, _
from storage.models import DealStatus

# A closed or parked deal's status in a row: the enum's value is English (flows/i18n.py).
_STATUS_WORDS = {
    DealStatus.OPEN: N_("open"),
    DealStatus.WON: N_("won"),
    DealStatus.LOST: N_("lost"),
    DealStatus.DISQUALIFIED: N_("disqualified"),
    DealStatus.NURTURE: N_("in nurture"),
}


def row_flags(row: DealRow) -> list[str]:
    flags = []
    if row.stuck:
        flags.append(":rotating_light: " + _("stuck"))
    if row.idle:
        flags.append(":zzz: " + _("idle"))
    return flags


def row_text(row: DealRow, *, owner: bool = True) -> str:
    """ "#12 *Acme* · Discovery · 12 days in stage · 2 items open · :rotating_light: stuck":
    the number first, as every command and error names a deal by it."""
    parts = [f"#{row.deal_id} {bold(escape(row.name))}", escape(row.stage_name)]
    if row.status is not DealStatus.OPEN:
        parts.append(_("status: {status}").format(status=_(_STATUS_WORDS[row.status])))
    parts.append(counted(row.days_in_stage, "{count} day in stage", "{count} days in stage"))
    if row.open_items:
        parts.append(counted(row.open_items, "{count} item open", "{count} items open"))
    parts += row_flags(row)
    if row.amount is not None:
        parts.append(format_amount(row.amount, row.currency))
    if row.expected_close is not None:
        parts.append(_("closes {date}").format(date=close_date_text(row.expected_close)))
    if owner:
        parts.append(mention(row.owner_id))
    return " · ".join(parts)


def open_button_value(row: DealRow) -> str:
    return DealRef(deal_id=row.deal_id, stage=row.stage_id).dumps()


def row_block(row: DealRow, *, owner: bool = True) -> SectionBlock:
    return section(
        row_text(row, owner=owner),
        accessory=button(_("Open"), action_id=ActionId.SHOW, value=open_button_value(row)),
    )


def row_plain(row: DealRow) -> str:
    """For fallback text: "#12 Acme (Discovery, 12 days)"."""
    days = counted(row.days_in_stage, "{count} day", "{count} days")
    return _("#{number} {name} ({stage}, {days})").format(
        number=row.deal_id, name=row.name, stage=row.stage_name, days=days
    )
