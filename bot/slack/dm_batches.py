"""One DM per burst: the first notice sends a DM at once, and every further notice with the
same key within `WINDOW` of it is added to that DM (`chat.update`) instead of sending
another. The owner's DM about changes to their deal (bot/slack/owner_notices.py) and the
author's DM about their feedback marked done (bot/slack/feedback_notices.py) both batch so.

The batches live in this process (docs/owner-notices.md says why): a restart, or a second
notice that reaches another replica, forgets the DM to add to and sends a new one. A DM
is never lost nor sent twice for one notice; at worst a batch is split in two.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.slack.replies import Replies
from bot.slack.sending import log_failure
from bot.views.message import Message

WINDOW = dt.timedelta(minutes=2)
SLACK_REFUSED = (SlackApiError, aiohttp.ClientError, TimeoutError)  # Slack said no, or nothing
Item = TypeVar("Item")


@dataclass(slots=True)
class _Batch(Generic[Item]):
    channel: str  # the DM's channel, as Slack answered the first post
    ts: str
    started: dt.datetime
    items: list[Item] = field(default_factory=list)


class DmBatches(Generic[Item]):
    def __init__(self, clock: Callable[[], dt.datetime], *, window: dt.timedelta = WINDOW):
        self._clock = clock
        self._window = window
        self._batches: dict[Hashable, _Batch[Item]] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}

    async def tell(
        self,
        replies: Replies,
        *,
        key: Hashable,
        user: str,
        item: Item,
        render: Callable[[Sequence[Item]], Message],
        what: str,
    ) -> None:
        """Send or extend `user`'s DM for `key`, rendered from the batch's items, oldest
        first; a DM Slack refuses is logged as `what`, never raised (what it tells of is
        committed and answered already)."""
        async with self._locks.setdefault(key, asyncio.Lock()):
            try:
                await self._send(replies, key, user, item, render, what)
            except SLACK_REFUSED as error:
                log_failure(error, what=what)
        self._forget_old()

    async def _send(
        self,
        replies: Replies,
        key: Hashable,
        user: str,
        item: Item,
        render: Callable[[Sequence[Item]], Message],
        what: str,
    ) -> None:
        now = self._clock()
        batch = self._batches.get(key)
        if batch is not None and now - batch.started <= self._window:
            batch.items.append(item)
            try:
                await replies.update(
                    channel=batch.channel, ts=batch.ts, message=render(batch.items)
                )
                return
            except SLACK_REFUSED as error:  # the DM was deleted: a new one says it all
                log_failure(error, what=f"adding to {what}")
                items = batch.items
        else:
            items = [item]
        channel, ts = await replies.direct(user=user, message=render(items))
        self._batches[key] = _Batch(channel, ts, now, items)

    def _forget_old(self) -> None:
        cutoff = self._clock() - self._window
        for key in [k for k, batch in self._batches.items() if batch.started < cutoff]:
            del self._batches[key]
        for key in [k for k, lock in self._locks.items() if not lock.locked()]:
            if key not in self._batches:
                del self._locks[key]
