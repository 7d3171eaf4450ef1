"""`/deal digest …` through signed Slack requests: who may, what it says, what it refuses."""

from __future__ import annotations

import pytest

from tests.digests.conftest import MANAGER, REP
from tests.support.harness import SlackHarness

pytestmark = pytest.mark.usefixtures("team")  # an admin made MANAGER the manager of REP


async def test_a_manager_subscribes_lists_and_unsubscribes_a_channel(slack: SlackHarness) -> None:
    answer = await slack.command(
        "digest subscribe <#C0SALES01|sales> weekly 8:30 team", user=MANAGER.user_id
    )
    assert answer.status == 200
    assert "<#C0SALES01> will get a weekly digest, Mondays at 08:30" in str(answer.json)
    assert "/invite @stagecoach" in str(answer.json)
    listed = await slack.command("digest list", user=MANAGER.user_id)
    assert "<#C0SALES01>" in str(listed.json) and "<@U0MGR0001>'s team" in str(listed.json)
    gone = await slack.command("digest unsubscribe <#C0SALES01|sales>", user=MANAGER.user_id)
    assert "gets no more digests" in str(gone.json)
    empty = await slack.command("digest list", user=MANAGER.user_id)
    assert "No channel gets a digest yet" in str(empty.json)


async def test_subscribing_again_replaces_the_channels_schedule(slack: SlackHarness) -> None:
    await slack.command("digest subscribe <#C0SALES01|sales> daily", user=MANAGER.user_id)
    await slack.command(
        "digest subscribe <#C0SALES01|sales> daily 17:00 owner <@U0REP0001|rep>",
        user=MANAGER.user_id,
    )
    listed = str((await slack.command("digest list", user=MANAGER.user_id)).json)
    assert listed.count("<#C0SALES01>") == 1 and "17:00" in listed
    assert "deals of <@U0REP0001>" in listed


async def test_a_rep_cannot_schedule_digests(slack: SlackHarness) -> None:
    for text in (
        "digest subscribe <#C0SALES01|sales> daily",
        "digest unsubscribe <#C0SALES01|sales>",
        "digest list",
    ):
        answer = await slack.command(text, user=REP.user_id)
        assert answer.status == 200
        assert "only managers and admins can schedule digests" in answer.text
    async with slack.services.db.read() as session:
        from storage import digest_queries

        assert await digest_queries.subscriptions(session) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("digest subscribe sales daily", "'sales' is not a channel"),
        ("digest subscribe #sales daily", "'#sales' is not a channel"),
        ("digest subscribe <#C0SALES01|sales> hourly", "'hourly' is not a digest frequency"),
        ("digest subscribe <#C0SALES01|sales> daily 25:00", "'25:00' is not a time of day"),
        ("digest subscribe <#C0SALES01|sales> daily 9.30", "'9.30' is not a time of day"),
        ("digest subscribe <#C0SALES01|sales>", "daily or weekly?"),
        ("digest subscribe <#C0SALES01|sales> daily everyone", "'everyone' is not a digest scope"),
        ("digest unsubscribe <#C0OTHER01|other>", "that channel gets no digest"),
        ("digest pause", "'pause' is not a digest action"),
    ],
)
async def test_bad_input_is_refused_saying_what_would_be_right(
    slack: SlackHarness, text: str, says: str
) -> None:
    answer = await slack.command(text, user=MANAGER.user_id)
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    assert says in answer.text
    async with slack.services.db.read() as session:
        from storage import digest_queries

        assert await digest_queries.subscriptions(session) == []
