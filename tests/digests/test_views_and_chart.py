"""The digest as Slack shows it (within Block Kit's limits, every section, a fallback text)
and the funnel chart as a readable PNG."""

from __future__ import annotations

import datetime as dt
import struct

from bot.core.scope import ScopeKind
from bot.digests.content import (
    FEEDBACK_LINES,
    DealLine,
    Deviation,
    Digest,
    DigestSubscriptions,
    Flagged,
    Movement,
    ObjectionCount,
    OpenFeedback,
    SubscriptionLine,
)
from bot.reporting.charts import funnel_chart_png
from bot.reporting.funnel import Funnel, FunnelRow
from bot.slack_standin import message_violations
from bot.views.digest import digest_message
from bot.views.subscriptions import subscriptions_message
from bot.views.text import render_text
from storage.kpi_deviations import DeviationKind, Tally
from tests.support.samples.feedback import line as feedback_line

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)
FUNNEL = Funnel(
    period_label="90d",
    rows=[
        FunnelRow("Qualification", 40, 28, 0.7),
        FunnelRow("Discovery", 28, 14, 0.5),
        FunnelRow("Solution demo", 14, 9, 0.643),
        FunnelRow("Proposal", 9, 5, 0.556),
        FunnelRow("Commit", 5, 4, 0.8),
        FunnelRow("Closed won", 4, 0, None, won=True),
    ],
    win_rate=0.4,
    weighted_pipeline=812000.0,
    currency="USD",
)


def _line(n: int, name: str = "Acme Corp") -> DealLine:
    return DealLine(n, f"{name} {n}", "U0REP0001", "Discovery", 50000.0, "USD")


def _busy_digest(count: int) -> Digest:
    moves = [Movement(_line(n), "Qualification", "Discovery") for n in range(count)]
    return Digest(
        scope=ScopeKind.TEAM,
        scope_user_id="U0MGR0001",
        frequency="daily",
        tz="Europe/Istanbul",
        window_start=START,
        window_end=START + dt.timedelta(days=1),
        new=moves,
        advanced=moves,
        won=moves[:2],
        lost=[Movement(_line(99, "R&D <EU>"), "Proposal", "Lost", reason="Price too high")],
        stuck=[Flagged(_line(n), 20 + n, 14) for n in range(count)],
        idle=[Flagged(_line(n), 9, 7) for n in range(count)],
        reopened=[Movement(_line(7), "Nurture", "Qualification")],
        deviations=[
            Deviation(_line(5), DeviationKind.OVERRIDE, "U0MGR0001", "Discovery", "Demo", "ok", 2),
            *(
                Deviation(_line(n), DeviationKind.SKIP, "U0REP0001", "Nurture", "Proposal", None)
                for n in range(20)
            ),
        ],
        overridden=Tally(moves=1, gates=1, deals=1),
        skipped=Tally(moves=30, gates=45, deals=30),
        objections=[ObjectionCount("Too expensive", 4), ObjectionCount("We use a rival", 2)],
        funnel=FUNNEL,
        # the longest feedback there may be, every character escaped
        feedback=OpenFeedback(
            [feedback_line(n, done=False) for n in range(12, 12 - FEEDBACK_LINES, -1)], 12
        ),
    )


def test_a_busy_digest_shows_every_section_within_slack_limits() -> None:
    message = digest_message(_busy_digest(40))
    assert message_violations(message.to_dict(), method="chat.postMessage") == []
    text = render_text(message.to_dict()["blocks"])
    for heading in (
        "New (40)",
        "Advanced (40)",
        "Won (2)",
        "Lost (1)",
        "Stuck (40)",
        "Idle (40)",
        "Reopened (1)",
        "46 gates passed without their exit items",
        "Top objections (2)",
        "Open feedback on the map (12)",
        "Funnel, the last 90 days",
    ):
        assert heading in text  # fmt: skip
    assert text.count("and 32 more") == 4 and "R&D <EU>" in text
    # every deviation is counted, the newest listed (the override first), the rest counted
    assert "1 gate passed by override · 45 gates skipped without an override, in 30 moves" in text
    override = "Acme Corp 5 (#5) · $50,000 · @U0REP0001 · Discovery → Demo · gate overridden"
    assert f"{override} by @U0MGR0001 with 2 items open: ok" in text
    assert "Nurture → Proposal · 1 gate skipped without an override" in text
    assert "and 23 more" in text  # 31 moves, 8 listed
    assert "12. “&&&" in text and "8. “&&&" in text and "7. “" not in text
    assert "and 7 more: /deal feedback list" in text
    assert "…" not in text.replace("&…”", "")  # only the feedback, of 500 characters, is clipped
    assert "Price too high" in text
    assert "Sun 1 Mar 09:00 to Mon 2 Mar 09:00 (Europe/Istanbul)" in text
    assert message.text.startswith("Daily digest: 40 new, 40 advanced, 2 won, 1 lost")
    assert message.text.endswith("· 46 gates passed without their exit items")


def test_a_quiet_digest_says_so() -> None:
    quiet = Digest(ScopeKind.ALL, None, "weekly", "UTC", START, START + dt.timedelta(days=7))
    text = render_text(digest_message(quiet).to_dict()["blocks"])
    assert "Weekly digest\n=============" in text and "Nothing moved since the last digest" in text
    assert "No deal is stuck or idle" in text
    assert "0 gates passed without their exit items" in text  # a zero is said, not left out


def test_the_subscription_list_stays_within_slack_limits() -> None:
    lines = [
        SubscriptionLine(f"C0CH{n:05d}", "weekly", "08:30", None, ScopeKind.ALL, None, "U0MGR0001")
        for n in range(120)
    ]
    message = subscriptions_message(DigestSubscriptions(lines))
    assert message_violations(message.to_dict(), method="chat.postMessage") == []
    assert "and 80 more" in render_text(message.to_dict()["blocks"])


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_funnel_chart_is_a_readable_png() -> None:
    png = funnel_chart_png(FUNNEL, title="Sales funnel, the last 90 days · Mon 2 Mar 09:00")
    width, height = _png_size(png)
    assert 600 <= width <= 2000 and 250 <= height <= 1200  # legible in Slack's preview
    empty = Funnel("90d", [FunnelRow("Qualification", 0, 0, None)], None, 0.0, "USD")
    assert _png_size(funnel_chart_png(empty, title="Nothing yet"))[0] > 300
