""" "Save as evidence" with bolt-python's own message shortcut fixture
(tests/support/samples/slack_sdk/shortcut.message.json, SOURCES.md) replayed through the
real signed route: an Enterprise Grid user (`W111`) whose `user` has no team id, a message
with a mention. Slack's permalink when chat.getPermalink answers, the one built from the
payload's team domain when it refuses; a partner from another organisation is refused;
and a person with more deals than a menu holds still gets a form Slack accepts."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.core.access import outsider_refused
from bot.core.context import Actor
from bot.deals.creating import create_deal
from bot.deals.message_evidence import PICK_LIMIT, deals_to_pick
from bot.slack_standin import view_violations
from bot.views.ids import CallbackId
from bot.views.message import as_json
from bot.views.save_evidence import MessageMeta, save_evidence_modal
from storage.models import ExitTick
from tests.support.harness import SlackHarness
from tests.support.sdk_samples import replay_interaction, sample, trigger_id
from tests.support.shortcuts import open_form, submit_form
from tests.support.slack import latest_card

GRID_TEAM, GRID_USER, CHANNEL = "T111", "W111", "C111"  # as the fixture has them
TS = "1583636382.000300"


def shortcut_sample(slack: SlackHarness, n: int) -> dict[str, Any]:
    """The fixture, pointed at this app's shortcut, a trigger in Slack's format and a
    response URL of the stand-in's (the fixture's hooks.slack.com one would leave)."""
    payload = sample("shortcut.message.json")
    payload["callback_id"] = CallbackId.SAVE_AS_EVIDENCE.value
    payload["trigger_id"] = trigger_id(n)
    payload["response_url"] = slack.standin.response_url(channel=CHANNEL, user=GRID_USER)
    return payload


async def grid_deal(slack: SlackHarness) -> None:
    slack.team_id, slack.channel_id = GRID_TEAM, CHANNEL
    created = await slack.command("new Acme 50k", user=GRID_USER)
    assert "Acme" in created.text


async def saved(slack: SlackHarness) -> dict[str, str | None]:
    async with slack.services.db.read() as session:
        return {t.item_id: t.evidence for t in (await session.exec(select(ExitTick))).all()}


async def test_the_sdk_fixture_saves_its_message_with_slacks_permalink(
    slack: SlackHarness,
) -> None:
    await grid_deal(slack)
    payload = shortcut_sample(slack, 1)
    slack.standin.workspace.channels[CHANNEL].append(payload["message"])  # Slack has it

    answer = await replay_interaction(slack, payload)

    assert answer.status == 200
    view = open_form(slack)
    link = f"https://stagecoach-test.slack.com/archives/{CHANNEL}/p1583636382000300"
    assert MessageMeta.loads(view["private_metadata"]) == MessageMeta(
        CHANNEL, TS, "@W222 test", link, payload["response_url"]
    )
    assert (await submit_form(slack, view, "problem", user=GRID_USER)).body is None
    assert await saved(slack) == {"problem": f"@W222 test — {link}"}
    assert "Ticked 2" in latest_card(slack, GRID_USER)["text"]


async def test_a_refused_permalink_is_built_from_the_payloads_team_domain(
    slack: SlackHarness,
) -> None:
    await grid_deal(slack)  # the stand-in has no such message: message_not_found

    await replay_interaction(slack, shortcut_sample(slack, 2))

    assert slack.standin.last("chat.getPermalink").response["error"] == "message_not_found"
    view = open_form(slack)
    assert (await submit_form(slack, view, "problem", user=GRID_USER)).body is None
    built = f"https://test-test.slack.com/archives/{CHANNEL}/p1583636382000300"
    assert await saved(slack) == {"problem": f"@W222 test — {built}"}


async def test_a_partner_from_another_organisation_is_refused_and_no_form_opens(
    slack: SlackHarness,
) -> None:
    await grid_deal(slack)
    payload = shortcut_sample(slack, 3)
    payload["user"]["team_id"] = "TOTHERSIDE1"  # Slack Connect: the partner's own team

    assert (await replay_interaction(slack, payload)).status == 200

    assert slack.standin.calls("views.open") == []
    [refusal] = slack.standin.ephemerals(GRID_USER)[-1:]
    assert outsider_refused().message in refusal["text"]


async def test_more_deals_than_a_menu_holds_still_make_a_form_slack_accepts(
    slack: SlackHarness,
) -> None:
    rep = Actor(team_id=slack.team_id, user_id="U0BUSY001", channel_id=CHANNEL)
    for n in range(PICK_LIMIT + 3):
        await create_deal(slack.services, rep, name=f"Deal {n:03}")
    await slack.services.deals.flush()

    picks = await deals_to_pick(slack.services, rep)

    assert len(picks.deals) == PICK_LIMIT and picks.not_listed == 3
    assert picks.deals[0].name == "Deal 102"  # the current deal (the last created) first
    meta = MessageMeta(CHANNEL, TS, "x" * 500, "https://t.slack.com/archives/C111/p1", None)
    view = as_json(save_evidence_modal(picks, picks.card, meta=meta))
    assert view_violations(view, method="views.open", expected_types=("modal",)) == []
    assert "3 more of your open deals are not listed" in str(view["blocks"])
