"""Sending the owner's DM about a change someone else made (bot.deals.owner_notices says
who is told of what), batched: the first change sends the DM at once, and every further
change by the same person to the same deal within `WINDOW` of it is added to that DM
(`chat.update`) instead of sending another. So an edit of the amount and the close date
is one DM, and so are a manager's override and the edit that follows it.

The batches live in this process (docs/owner-notices.md says why): a restart, or a second
change that reaches another replica, forgets the DM to add to and sends a new one. A DM
is never lost nor sent twice for one change; at worst a batch is split in two.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.deals.owner_notices import OwnerNotice, Told
from bot.slack.replies import Replies
from bot.slack.sending import log_failure
from bot.views.owner_notice import owner_notice_message

log = logging.getLogger(__name__)
WINDOW = dt.timedelta(minutes=2)
SLACK_REFUSED = (SlackApiError, aiohttp.ClientError, TimeoutError)  # Slack said no, or nothing
Key = tuple[str, int, str, str]  # workspace, deal, owner told, who changed it


@dataclass(slots=True)
class _Batch:
    channel: str  # the DM's channel, as Slack answered the first post
    ts: str
    started: dt.datetime
    changes: list[Told] = field(default_factory=list)


class OwnerNotifier:
    def __init__(self, clock: Callable[[], dt.datetime], *, window: dt.timedelta = WINDOW):
        self._clock = clock
        self._window = window
        self._batches: dict[Key, _Batch] = {}
        self._locks: dict[Key, asyncio.Lock] = {}

    async def tell(self, replies: Replies, notice: OwnerNotice) -> None:
        """Send or extend the owner's DM; a DM Slack refuses is logged, never raised (the
        change itself is committed and answered already)."""
        key = (notice.team_id, notice.deal_id, notice.owner_id, notice.actor_id)
        async with self._locks.setdefault(key, asyncio.Lock()):
            try:
                await self._send(replies, key, notice)
            except SLACK_REFUSED as error:
                log_failure(error, what=f"the owner's DM about deal {notice.deal_id}")
        self._forget_old()

    async def _send(self, replies: Replies, key: Key, notice: OwnerNotice) -> None:
        now = self._clock()
        batch = self._batches.get(key)
        if batch is not None and now - batch.started <= self._window:
            batch.changes.append(notice.change)
            message = owner_notice_message(notice.actor_id, batch.changes)
            try:
                await replies.update(channel=batch.channel, ts=batch.ts, message=message)
                return
            except SLACK_REFUSED as error:  # the DM was deleted: a new one says it all
                log_failure(error, what=f"adding to the owner's DM about deal {notice.deal_id}")
                changes = batch.changes
        else:
            changes = [notice.change]
        message = owner_notice_message(notice.actor_id, changes)
        channel, ts = await replies.direct(user=notice.owner_id, message=message)
        self._batches[key] = _Batch(channel, ts, now, changes)

    def _forget_old(self) -> None:
        cutoff = self._clock() - self._window
        for key in [k for k, batch in self._batches.items() if batch.started < cutoff]:
            del self._batches[key]
        for key in [k for k, lock in self._locks.items() if not lock.locked()]:
            if key not in self._batches:
                del self._locks[key]
