"""`/deal owners` (issue #20, item 1): admins give each owning team of the map a channel and
a user group, written as Slack escapes them; an owner the map does not know, a non-admin,
or text that is not a channel is refused and changes nothing. Also: Accept as Slack's own
SDK fixture shapes the click, and a channel that refuses the handoff is told to the mover."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.commands.owners import OWNERS, OwnerSet
from bot.commands.spec import Refused
from bot.core.catalog import MapCatalog
from bot.digests.compose import compose_digest
from bot.digests.content import Digest
from bot.slack_standin import button_action
from bot.views.digest import digest_message
from bot.views.ids import ActionId
from storage.digest_models import DigestSubscription
from storage.handoff_models import Handoff, OwnerChannel
from tests.slack.test_handoffs import HANDOFF_MAP, IMPL, in_proposal
from tests.support.blockkit import find, text_of
from tests.support.deals import catalog_from
from tests.support.harness import SlackHarness
from tests.support.sdk_samples import replay_interaction, sample, with_action
from tests.support.slack import ADMIN, REP, REP2, deal_named, latest_card

_DAY = dt.timedelta(days=1)
SET_IMPL = f"owners set Implementation <#{IMPL}|impl> <!subteam^S0IMPL0001|@impl-team>"


@pytest.fixture
def catalog() -> MapCatalog:
    return catalog_from(HANDOFF_MAP)


@pytest.fixture
def slack_must_end_clean() -> bool:
    return False  # one test makes Slack refuse the handoff on purpose


async def channels(slack: SlackHarness) -> list[tuple[str, str, str | None]]:
    async with slack.services.db.read() as session:
        rows = (await session.exec(select(OwnerChannel))).all()
    return sorted((row.owner, row.channel_id, row.usergroup_id) for row in rows)


async def test_an_admin_sets_lists_and_removes_a_teams_channel(slack: SlackHarness) -> None:
    await slack.command(SET_IMPL, user=ADMIN)
    assert await channels(slack) == [("Implementation", IMPL, "S0IMPL0001")]

    listed = text_of((await slack.command("owners", user=REP)).json["blocks"])  # anyone reads
    assert f"Implementation: #{IMPL} mentioning @S0IMPL0001" in listed
    assert "Sales: no channel" in listed and "Marketing: no channel" in listed

    await slack.command("owners set IMPLEMENTATION <#C0OTHER001|other>", user=ADMIN)  # replaced
    assert await channels(slack) == [("Implementation", "C0OTHER001", None)]

    removed = await slack.command("owners remove implementation", user=ADMIN)
    assert "Implementation has no channel now" in removed.text
    assert await channels(slack) == []


async def test_an_owner_the_map_does_not_know_is_refused_with_the_ones_it_does(
    slack: SlackHarness,
) -> None:
    answer = await slack.command(f"owners set Finance <#{IMPL}|impl>", user=ADMIN)

    shown = text_of(answer.json["blocks"])
    assert "'Finance' is not an owner in this workspace's map" in shown
    assert "its owners are Sales, Implementation, Marketing" in shown
    assert await channels(slack) == []


async def test_only_an_admin_changes_them(slack: SlackHarness) -> None:
    answer = await slack.command(SET_IMPL, user=REP)

    assert "only an admin can say which channel" in text_of(answer.json["blocks"])
    assert await channels(slack) == []
    refused = await slack.command("owners remove Implementation", user=ADMIN)
    assert "'Implementation' has no channel to remove" in text_of(refused.json["blocks"])


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("owners set Implementation #impl", "owners set needs a channel"),
        (f"owners set <#{IMPL}|impl>", "name the owner before the channel"),
        (f"owners set Implementation <#{IMPL}|impl> @someone", "only a user group may follow"),
        ("owners drop Implementation", "'drop' is not an owners action"),
        ("owners remove", "name the owner to remove"),
    ],
)
async def test_text_that_is_not_a_channel_or_group_is_refused(
    slack: SlackHarness, text: str, said: str
) -> None:
    answer = await slack.command(text, user=ADMIN)

    assert said in text_of(answer.json["blocks"])
    assert await channels(slack) == []


_WORD = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)


@settings(max_examples=60)
@given(owner=st.lists(_WORD, min_size=1, max_size=4), group=st.booleans())
def test_the_owner_is_every_word_before_the_channel(owner: list[str], group: bool) -> None:
    tail = " <!subteam^S0GRP01|@grp>" if group else ""
    parsed = OWNERS.parse("set " + " ".join(owner) + f" <#{IMPL}|impl>" + tail)

    assert not isinstance(parsed, Refused)
    assert parsed == OwnerSet(" ".join(owner), IMPL, "S0GRP01" if group else None)


async def test_accept_in_the_shape_of_slacks_own_fixture(slack: SlackHarness) -> None:
    await slack.command(SET_IMPL, user=ADMIN)
    await in_proposal(slack)
    (posted,) = slack.standin.messages(IMPL)
    block, button = find(posted["blocks"], ActionId.HANDOFF_ACCEPT)
    payload = with_action(
        sample("block_actions.message_button.json"),
        action_id=ActionId.HANDOFF_ACCEPT.value,
        block_id=block["block_id"],
        value=button["value"],
    )
    payload["user"] = {"id": REP2}
    payload["team"] = {"id": slack.team_id}
    payload["channel"] = {"id": IMPL}
    payload["container"].update(channel_id=IMPL, message_ts=posted["ts"])
    payload["message"] = posted
    payload["response_url"] = slack.standin.response_url(
        channel=IMPL, user=REP2, message_ts=posted["ts"]
    )

    answer = await replay_interaction(slack, payload)

    assert answer.status == 200
    async with slack.services.db.read() as session:
        (handed,) = (await session.exec(select(Handoff))).all()
    assert handed.accepted_by == REP2
    assert "You hold Acme for Implementation now" in latest_card(slack, REP2)["text"]


async def test_a_forged_accept_value_changes_nothing(slack: SlackHarness) -> None:
    await slack.command(SET_IMPL, user=ADMIN)
    await in_proposal(slack)
    (posted,) = slack.standin.messages(IMPL)
    block, _button = find(posted["blocks"], ActionId.HANDOFF_ACCEPT)
    for value in ("999", "1; DROP TABLE deal", ""):
        payload = with_action(
            sample("block_actions.message_button.json"),
            action_id=ActionId.HANDOFF_ACCEPT.value,
            block_id=block["block_id"],
            value=value,
        )
        payload["team"] = {"id": "T0OTHER01"} if value == "999" else {"id": slack.team_id}
        payload["response_url"] = slack.standin.response_url(channel=IMPL, user="U111")
        assert (await replay_interaction(slack, payload)).status == 200
    async with slack.services.db.read() as session:
        (handed,) = (await session.exec(select(Handoff))).all()
    assert handed.accepted_by is None


async def test_a_channel_that_refuses_the_handoff_is_told_to_the_mover(
    slack: SlackHarness,
) -> None:
    await slack.command(SET_IMPL, user=ADMIN)
    slack.standin.fail_next("chat.postMessage", error="not_in_channel")

    await in_proposal(slack)

    told = [m["text"] for m in slack.standin.ephemerals(REP)]
    assert any("invite the bot there (/invite @stagecoach)" in text for text in told)
    assert (await deal_named(slack, "Acme")).stage == "proposal"  # the move stands


async def test_a_digest_lists_the_handoffs_nobody_accepted(slack: SlackHarness) -> None:
    await slack.command(SET_IMPL, user=ADMIN)
    await in_proposal(slack)
    slack.services.clock.advance(hours=5)  # type: ignore[attr-defined]

    waiting = await all_digest(slack)

    (handed,) = waiting.handoffs
    assert (handed.deal.name, handed.team, handed.hours) == ("Acme", "Implementation", 5)
    shown = text_of(digest_message(waiting).to_dict()["blocks"])
    assert "Handoffs not accepted (1)" in shown and "waiting 5 h for Implementation" in shown

    (posted,) = slack.standin.messages(IMPL)
    block, button = find(posted["blocks"], ActionId.HANDOFF_ACCEPT)
    await slack.action(
        button_action(ActionId.HANDOFF_ACCEPT, block_id=block["block_id"], value=button["value"]),
        user=REP2,
        channel_id=IMPL,
        message=posted,
        response_url=slack.standin.response_url(channel=IMPL, user=REP2),
    )
    assert (await all_digest(slack)).handoffs == []


async def all_digest(slack: SlackHarness) -> Digest:
    subscription = DigestSubscription(
        team_id=slack.team_id,
        channel_id="C0SALES001",
        frequency="daily",
        at_time="09:00",
        tz="UTC",
        scope="all",
        created_by=ADMIN,
    )
    now = slack.services.clock()
    return await compose_digest(
        slack.services, subscription=subscription, window_start=now - _DAY, window_end=now
    )
