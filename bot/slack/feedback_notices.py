"""Telling an author their feedback on the map was marked done, after the acknowledgement:
one DM per owner's burst of closing (bot/slack/dm_batches.py), so an owner who works
through the list sends each author one DM that lists what was done about each entry.
Nobody is told of closing their own feedback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.context import Actor
from bot.deals.feedback import FeedbackClosed, FeedbackLine
from bot.slack.dm_batches import DmBatches
from bot.slack.replies import Replies
from bot.views.feedback import feedback_done_notice


class FeedbackNotifier:
    def __init__(self, clock: Callable[[], dt.datetime]):
        self._dms: DmBatches[FeedbackLine] = DmBatches(clock)

    async def tell(self, replies: Replies, actor: Actor, closed: FeedbackClosed) -> None:
        author = closed.line.entry.author_id
        if author == actor.user_id:
            return
        await self._dms.tell(
            replies,
            key=(closed.team_id, author, actor.user_id),
            user=author,
            item=closed.line,
            render=lambda lines: feedback_done_notice(actor.user_id, lines),
            what=f"the DM about feedback {closed.line.entry.number}",
        )
