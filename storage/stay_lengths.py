"""Each completed stay's length, recorded on the entry that ends it (`deal_event.stay_days`).

Time in stage adds up stay lengths for every deal and stage it reports on. Computing each
length in the query (a date parse per end and per start on SQLite, where times are text)
cost most of that report; recording it once, as the entry is written, costs one
subtraction per move. Storage fills it on every way events are written (a change's events:
storage.deal_writes; an imported history: storage.history_store), in the same statement
as the event, so callers never see or pass it. Revision 0016 fills it for the history
recorded before. docs/kpis.md says why this is the mechanism.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

SECONDS_PER_DAY = 86400.0


def stay_days(started: dt.datetime | None, ended: dt.datetime | None) -> float | None:
    """Days from `started` to `ended` (fractional); None unless both are known."""
    if started is None or ended is None:
        return None
    return (ended - started).total_seconds() / SECONDS_PER_DAY


def with_stay_days(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The event rows, each with its `stay_days` from its `at` and `stay_started_at` (None
    on the events that end no stay). Every row gets the key, so a batch keeps one shape."""
    return [
        {**row, "stay_days": stay_days(row.get("stay_started_at"), row.get("at"))} for row in rows
    ]
