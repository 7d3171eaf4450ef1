"""A sample of each outcome type webhooks add, for the view suite's "every outcome type has
a view" check (tests/views/test_views_outcomes.py merges SAMPLES). The list is as long as
a workspace may make it, with long URLs and errors, so the view must stay within limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.deals.stage_events import StageEvent
from bot.webhooks.endpoints import MAX_ENDPOINTS, MAX_URL
from bot.webhooks.outcomes import EndpointLine, WebhookAdded, WebhookList, WebhookRemoved


def line(n: int) -> EndpointLine:
    url = f"https://crm{n}.example.com/hooks/" + "x" * (MAX_URL - 40)
    return EndpointLine(
        n,
        url,
        tuple(kind.value for kind in StageEvent),
        f"U{n:010d}",
        waiting=n * 3,
        dead=n % 3,
        last_status="dead" if n % 2 else "delivered",
        last_at=dt.datetime(2026, 3, 2, 9, n % 60, tzinfo=dt.UTC),
        last_error="HTTP 503: Service Unavailable <&>" * 5,
    )


SAMPLES: dict[type, Callable[[], object]] = {
    WebhookAdded: lambda: WebhookAdded(line(1), "ab" * 32),
    WebhookList: lambda: WebhookList([line(n) for n in range(1, MAX_ENDPOINTS + 1)]),
    WebhookRemoved: lambda: WebhookRemoved(line(7)),
}
