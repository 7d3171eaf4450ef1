"""A sample of each outcome type map feedback adds, for the view suite's "every outcome
type has a view" check (tests/views/test_views_outcomes.py merges SAMPLES). At their
longest on purpose: the longest text and note a user may write, all of it escaped (`&`),
the longest deal name, and a full list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.values import MAX_REASON
from bot.deals.feedback import (
    FeedbackClosed,
    FeedbackEntry,
    FeedbackGiven,
    FeedbackLine,
    FeedbackList,
    StageSource,
    Status,
)
from bot.deals.feedback_owners import MAX_LISTED

GIVEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LONGEST = "&" * MAX_REASON  # every character escaped: five times as long in mrkdwn


def line(
    number: int, *, done: bool = True, source: StageSource = StageSource.NAMED
) -> FeedbackLine:
    entry = FeedbackEntry(
        number=number,
        map_id="default",
        map_version=1,
        author_id=f"U{number:010d}",
        given_at=GIVEN,
        text=LONGEST,
        deal_id=123456789,
        stage_id="demo",
        stage_source=source,
        done_at=GIVEN + dt.timedelta(days=1) if done else None,
        done_by="U0000000001" if done else None,
        done_note=LONGEST if done else None,
    )
    return FeedbackLine(entry, "B2B sales process (compact)", "Solution demo", "&" * 120)


SAMPLES: dict[type, Callable[[], object]] = {
    FeedbackGiven: lambda: FeedbackGiven(line(1, done=False)),
    FeedbackList: lambda: FeedbackList(
        Status.ALL,
        [line(n, source=StageSource(("named", "deal")[n % 2])) for n in range(MAX_LISTED, 0, -1)],
        500,
    ),
    FeedbackClosed: lambda: FeedbackClosed(line(7), "T1"),
}
