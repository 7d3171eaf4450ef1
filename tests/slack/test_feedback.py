"""Feedback on the map reaches its owners (issue #19, item 4), through signed Slack requests:
a rep's feedback is numbered and tied to the stage it names or their deal's; managers and
admins list it and mark an entry done with a note, and the author is told by one DM per
burst; anyone else is refused, saying who may; a bad number, a missing note and a second
"done" change nothing; the owners' digest lists what is open."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.feedback_models import MapFeedback, StageSource
from tests.conftest import Clock
from tests.support.blockkit import text_of
from tests.support.harness import Answer, SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, REP2, make_team

SECURITY = "the demo stage needs a security review item"


def shown(answer: Answer) -> str:
    return text_of(answer.json["blocks"])


def dms(slack: SlackHarness, user: str) -> list[str]:
    """The DMs `user` has, as they read now (an updated DM reads as updated)."""
    return [text_of(message["blocks"]) for message in slack.standin.messages(user)]


async def rows(slack: SlackHarness) -> list[MapFeedback]:
    async with slack.services.db.read() as session:
        found = await session.exec(select(MapFeedback).order_by(MapFeedback.number))
        return list(found.all())


@pytest.fixture
async def given(slack: SlackHarness, clock: Clock) -> None:
    """Three entries: one naming a stage, one from a deal, one from nowhere in particular."""
    await make_team(slack, MANAGER, REP, REP2)
    await slack.command("new Acme 50k", user=REP)
    for user, text in [(REP, SECURITY), (REP, "too many items to tick here"), (REP2, "love it")]:
        clock.advance(minutes=1)
        answer = await slack.command(f"feedback {text}", user=user)
        assert "recorded for its owners" in shown(answer), shown(answer)


async def test_feedback_is_numbered_and_tied_to_a_stage(slack: SlackHarness, given: None) -> None:
    first, second, third = await rows(slack)
    assert (first.number, first.stage_id, first.stage_source) == (1, "demo", StageSource.NAMED)
    assert first.deal_id == second.deal_id == 1  # given while Acme was REP's deal
    assert (second.stage_id, second.stage_source) == ("qualify", StageSource.DEAL)
    assert (third.number, third.deal_id, third.stage_id) == (3, None, None)

    answer = await slack.command("feedback #1 the proposal stage wants a template", user=REP)
    assert "It is number 4, about Proposal." in shown(answer)
    await slack.command("disqualify #1 no budget at all", user=REP)
    answer = await slack.command("feedback the checklist is long", user=REP)
    assert shown(answer).endswith(
        "It is number 5.\nManagers and admins read it with /deal feedback list."
    )
    latest = (await rows(slack))[-1]
    assert (latest.deal_id, latest.stage_id) == (1, None)  # a closed deal's stage is not the topic
    missing = await slack.command("feedback #9 nothing", user=REP)
    assert "there is no deal #9" in shown(missing) and len(await rows(slack)) == 5


async def test_managers_and_admins_list_it_newest_first(slack: SlackHarness, given: None) -> None:
    for user in (MANAGER, ADMIN):
        listed = shown(await slack.command("feedback list", user=user))
        assert "Open feedback on the map (3 entries, newest first)" in listed
        assert listed.index("3. “love it”") < listed.index("2. “too many") < listed.index("1. “")
        assert (
            f"1. “{SECURITY}” · @{REP} · 2 Mar 2026 · about Solution demo (from Acme (#1))"
            in listed
        )
        assert (
            "2. “too many items to tick here” · @U0REP0001 · 2 Mar 2026 · from Acme (#1) in Qualification"
            in listed
        )
        assert f"3. “love it” · @{REP2} · 2 Mar 2026\n" in listed + "\n"


async def test_a_rep_is_refused_saying_who_may(slack: SlackHarness, given: None) -> None:
    for command in (
        "feedback list",
        "feedback list all",
        "feedback done 1 fixed it",
        "feedback done 2",
    ):
        answer = await slack.command(command, user=REP)
        assert answer.json["response_type"] == "ephemeral"
        assert "only the map's owners, its managers and admins, read and close feedback" in shown(
            answer
        )
    assert all(row.done_at is None for row in await rows(slack))
    assert dms(slack, REP) == []


async def test_done_closes_one_and_tells_its_author_in_one_dm(
    slack: SlackHarness, given: None, clock: Clock
) -> None:
    answer = await slack.command(
        "feedback done 1 added a security review item to Demo", user=MANAGER
    )
    assert f"Feedback 1 is marked done; @{REP} is told." in shown(answer)
    clock.advance(seconds=60)
    await slack.command("feedback done 2 merged two items", user=MANAGER)

    (told,) = dms(slack, REP)  # the second was added to the first DM
    assert f"@{MANAGER} marked your feedback on the map done:" in told
    assert f"“{SECURITY}” → added a security review item to Demo" in told
    assert "“too many items to tick here” → merged two items" in told
    assert len(slack.standin.calls("chat.update")) == 1

    clock.advance(minutes=5)
    await slack.command("feedback done 3 thanks!", user=ADMIN)
    assert dms(slack, REP2) == [
        f"@{ADMIN} marked your feedback on the map done:\n• “love it” → thanks!"
    ]

    listed = shown(await slack.command("feedback list done", user=ADMIN))
    assert "Feedback marked done (3 entries, newest first)" in listed
    assert f"done by @{MANAGER} on 2 Mar 2026: merged two items" in listed
    assert shown(await slack.command("feedback list", user=ADMIN)).startswith(
        "Open feedback on the map: none."
    )


async def test_done_twice_a_bad_number_and_no_note_change_nothing(
    slack: SlackHarness, given: None
) -> None:
    await slack.command("feedback done 1 added it", user=MANAGER)
    before = await rows(slack)
    messages = len(slack.standin.calls("chat.postMessage"))
    cases = {
        "feedback done 1 again": f"feedback 1 was marked done already, by @{MANAGER} on 2 Mar 2026: added it",
        "feedback done 99 fixed": "there is no feedback 99 in this workspace",
        "feedback done two fixed": "'two' is not a feedback number",
        "feedback done 0 fixed": "'0' is not a feedback number",
        "feedback done": "done needs the number of the feedback and a note",
        "feedback done 2": "say what was done about it: a note is required",
        "feedback list some": "'some' is not a kind of feedback to list",
    }
    for command, said in cases.items():
        answer = await slack.command(command, user=ADMIN)
        assert said in shown(answer), (command, shown(answer))
        assert answer.json["response_type"] == "ephemeral"
    assert await rows(slack) == before
    assert len(slack.standin.calls("chat.postMessage")) == messages  # nobody told again


async def test_closing_your_own_feedback_tells_nobody(slack: SlackHarness, given: None) -> None:
    await slack.command("feedback the proposal template is old", user=MANAGER)
    answer = await slack.command("feedback done 4 updated it", user=MANAGER)
    assert "Feedback 4 is marked done" in shown(answer)
    assert dms(slack, MANAGER) == []


async def test_another_workspace_sees_none_of_it(slack: SlackHarness, given: None) -> None:
    listed = await slack.command("feedback list all", user=ADMIN, team="T0OTHER01")
    assert "All feedback on the map: none." in shown(listed)
    refused = await slack.command("feedback done 1 fixed", user=ADMIN, team="T0OTHER01")
    assert "there is no feedback 1 in this workspace" in shown(refused)
    assert all(row.done_at is None for row in await rows(slack))


async def test_the_owners_digest_lists_the_open_feedback(slack: SlackHarness, given: None) -> None:
    await slack.command("feedback done 2 merged two items", user=MANAGER)

    team = shown(await slack.command("digest preview team", user=MANAGER))
    assert "Open feedback on the map (2)" in team
    assert team.index("3. “love it”") < team.index("1. “the demo stage")
    assert "2. “too many" not in team  # done

    await slack.command("feedback the whole map is too long", user="U0LONER01")  # in no team
    assert "Open feedback on the map (2)" in shown(
        await slack.command("digest preview team", user=MANAGER)
    )
    everyone = shown(await slack.command("digest preview all", user=ADMIN))
    assert "Open feedback on the map (3)" in everyone and "4. “the whole map" in everyone


async def test_a_long_list_shows_the_newest_and_counts_the_rest(
    slack: SlackHarness, given: None
) -> None:
    for n in range(4, 24):
        await slack.command(f"feedback idea number {n}", user=REP2)

    listed = shown(await slack.command("feedback list", user=MANAGER))

    assert "Open feedback on the map (23 entries, newest first)" in listed
    assert "23. “idea number 23”" in listed and "4. “idea number 4”" in listed
    assert "3. “love it”" not in listed
    assert "and 3 more: stagecoach feedback export has them all" in listed
