"""`/deal list`: one row per deal with an Open button, paged to stay within a message."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.deals.outcomes import DealList
from bot.views.blocks import context, header, section
from bot.views.deal_rows import row_block, row_plain
from bot.views.message import Message
from bot.views.mrkdwn import escape
from flows.i18n import _

A_YEAR = 365  # the longer period an empty closed-stage list suggests
PAGE_ROWS = 20  # what a message holds; the use case reads no more (bot.deals.listing)


def deal_list_message(listing: DealList) -> Message:
    if not listing.rows:
        return Message(
            text=_("{title}: none").format(title=listing.title),
            blocks=[header(listing.title), *_nothing_listed(listing)],
        )
    shown = listing.rows[:PAGE_ROWS]
    blocks: list[Block] = [header(listing.title), *(row_block(row) for row in shown)]
    more = max(listing.total, len(listing.rows)) - len(shown)
    if more > 0:
        hint = _("and {count} more; narrow it: /deal list stage <stage>").format(count=more)
        blocks.append(context(escape(hint)))
    return Message(text=_list_text(listing, shown_count=len(shown)), blocks=blocks)


def _list_text(listing: DealList, *, shown_count: int) -> str:
    first = ", ".join(row_plain(row) for row in listing.rows[:3])
    count = max(listing.total, len(listing.rows))
    return _("{title} ({count}): {first}").format(title=listing.title, count=count, first=first) + (
        "…" if count > 3 else ""
    )


def _nothing_listed(listing: DealList) -> list[Block]:
    if listing.stage_id is None:
        return [
            section(_("No deals here yet.")),
            context(escape(_("Create one: /deal new Acme 50k"))),
        ]
    if listing.within_days is None:
        return [section(_("No deals in this stage."))]
    if listing.within_days >= A_YEAR:
        return [section(_("None in this period."))]
    longer = _("A longer period: /deal list stage {stage} {days}d").format(
        stage=listing.stage_id, days=A_YEAR
    )
    return [section(_("None in this period.")), context(escape(longer))]
