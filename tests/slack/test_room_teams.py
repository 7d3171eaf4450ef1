"""Deal rooms invite the owning team (issue #20, item 3): the members of the user group
/deal owners maps to the owner of the deal's stage, listed with usergroups.users.list,
join the room with the owner and the asker; a handoff of a deal that has a room brings
the new team's group in too. Signed requests into the real app on both backends."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.slack_standin.ids import BOT_USER_ID
from tests.slack.test_deal_rooms import room_id, said
from tests.slack.test_handoffs import HANDOFF_MAP
from tests.support.deals import catalog_from
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, make_team

SALES, SALES_GROUP = "C0SALES001", "S0SALES001"
IMPL, IMPL_GROUP = "C0IMPL0001", "S0IMPL0001"
SELLERS = ("U0SELL0001", "U0SELL0002")
BUILDERS = ("U0BUILD001", "U0BUILD002")


@pytest.fixture
def catalog() -> MapCatalog:
    # Qualification and Discovery are Sales', Proposal Implementation's
    return catalog_from(HANDOFF_MAP)


@pytest.fixture
async def acme(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Acme 50k", user=REP)


async def map_owner(slack: SlackHarness, owner: str, channel: str, group: str | None) -> None:
    mention = f" <!subteam^{group}|@{owner.lower()}-team>" if group else ""
    answer = await slack.command(f"owners set {owner} <#{channel}|c>{mention}", user=ADMIN)
    assert f"{owner}'s handoffs go to its channel now" in answer.text, answer.text


def invited(slack: SlackHarness) -> list[str]:
    return [str(call.args["users"]) for call in slack.standin.calls("conversations.invite")]


async def test_the_stage_owners_group_is_invited_with_the_owner_and_asker(
    slack: SlackHarness, acme: None
) -> None:
    await map_owner(slack, "Sales", SALES, SALES_GROUP)
    slack.standin.add_usergroup(SALES_GROUP, "sales-team", [*SELLERS, REP])  # REP once only

    await slack.command("room #1", user=MANAGER)

    (listed,) = slack.standin.calls("usergroups.users.list")
    assert listed.args["usergroup"] == SALES_GROUP
    assert invited(slack) == [REP, MANAGER, *SELLERS]  # one call per person
    room = slack.standin.conversation(room_id(slack))
    assert room is not None and room["members"] == [BOT_USER_ID, REP, MANAGER, *SELLERS]
    told = said(slack, MANAGER)
    assert all(f"@{user}" in told for user in SELLERS)
    assert "no user group" not in told and "could not" not in told


async def test_without_a_group_only_the_owner_and_asker_are_invited(
    slack: SlackHarness, acme: None
) -> None:
    await map_owner(slack, "Sales", SALES, None)  # a channel, but no user group

    await slack.command("room #1", user=MANAGER)

    assert slack.standin.calls("usergroups.users.list") == []
    assert invited(slack) == [REP, MANAGER]
    told = said(slack, MANAGER)
    assert "Sales has no user group to invite: /deal owners set Sales #channel @group" in told


@pytest.mark.parametrize("error", ["missing_scope", "no_such_subteam"])
async def test_slack_refusing_the_group_is_said_and_the_room_counts(
    slack: SlackHarness, acme: None, error: str
) -> None:
    await map_owner(slack, "Sales", SALES, SALES_GROUP)
    slack.standin.add_usergroup(SALES_GROUP, "sales-team", SELLERS)
    if error == "missing_scope":  # installed before the app asked for usergroups:read
        slack.standin.fail_next("usergroups.users.list", error=error)
    else:  # deleted in Slack since /deal owners named it
        slack.standin.workspace.usergroups.clear()

    await slack.command("room #1", user=MANAGER)

    told = said(slack, MANAGER)
    assert f"Sales's user group could not be listed (`{error}`)" in told
    assert invited(slack) == [REP, MANAGER]
    room = slack.standin.conversation(room_id(slack))
    assert room is not None and room["pins"]  # the room is made all the same
    again = await slack.command("room #1", user=MANAGER)
    assert "has its room already" in again.text


async def test_a_handoff_invites_the_new_teams_group_into_the_room(
    slack: SlackHarness, acme: None
) -> None:
    await map_owner(slack, "Implementation", IMPL, IMPL_GROUP)
    slack.standin.add_usergroup(IMPL_GROUP, "implementation-team", BUILDERS)
    await slack.command("room #1", user=REP)
    channel = room_id(slack)
    assert invited(slack) == [REP]  # Sales has no group: nobody else yet

    await slack.command("tick 1 2=40k EUR", user=REP)
    await slack.command("advance", user=REP)  # into Proposal: Implementation's

    assert len(slack.standin.messages(IMPL)) == 1  # the handoff itself, in the team's channel
    assert invited(slack) == [REP, *BUILDERS]
    room = slack.standin.conversation(channel)
    assert room is not None and room["members"] == [BOT_USER_ID, REP, *BUILDERS]


async def test_a_handoff_of_a_deal_without_a_room_invites_nobody(
    slack: SlackHarness, acme: None
) -> None:
    await map_owner(slack, "Implementation", IMPL, IMPL_GROUP)
    slack.standin.add_usergroup(IMPL_GROUP, "implementation-team", BUILDERS)

    await slack.command("tick 1 2=40k EUR", user=REP)
    await slack.command("advance", user=REP)

    assert len(slack.standin.messages(IMPL)) == 1
    assert slack.standin.calls("usergroups.users.list") == []
    assert invited(slack) == []


async def test_a_handoff_whose_group_slack_refuses_still_moves_the_deal(
    slack: SlackHarness, acme: None
) -> None:
    await map_owner(slack, "Implementation", IMPL, IMPL_GROUP)  # never defined in Slack
    await slack.command("room #1", user=REP)
    channel = room_id(slack)

    await slack.command("tick 1 2=40k EUR", user=REP)
    answer = await slack.command("advance", user=REP)

    assert "Proposal" in str(answer.json)
    (listed,) = slack.standin.calls("usergroups.users.list")
    assert not listed.ok and listed.response["error"] == "no_such_subteam"
    assert len(slack.standin.messages(channel)) == 3  # the pinned card, the move, the handoff
    assert invited(slack) == [REP]
