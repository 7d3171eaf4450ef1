"""Sending the owner's DM about a change someone else made (bot.deals.owner_notices says
who is told of what), batched (bot/slack/dm_batches.py): the first change sends the DM at
once, and every further change by the same person to the same deal within `WINDOW` of it
is added to that DM instead of sending another. So an edit of the amount and the close
date is one DM, and so are a manager's override and the edit that follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.deals.owner_notices import OwnerNotice, Told
from bot.slack.dm_batches import WINDOW, DmBatches
from bot.slack.replies import Replies
from bot.views.owner_notice import owner_notice_message

__all__ = ["WINDOW", "OwnerNotifier"]


class OwnerNotifier:
    def __init__(self, clock: Callable[[], dt.datetime], *, window: dt.timedelta = WINDOW):
        self._dms: DmBatches[Told] = DmBatches(clock, window=window)

    async def tell(self, replies: Replies, notice: OwnerNotice) -> None:
        """Send or extend the owner's DM; a DM Slack refuses is logged, never raised (the
        change itself is committed and answered already)."""
        await self._dms.tell(
            replies,
            key=(notice.team_id, notice.deal_id, notice.owner_id, notice.actor_id),
            user=notice.owner_id,
            item=notice.change,
            render=lambda changes: owner_notice_message(notice.actor_id, changes),
            what=f"the owner's DM about deal {notice.deal_id}",
        )
