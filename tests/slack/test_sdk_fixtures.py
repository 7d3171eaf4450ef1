"""Request bodies from Slack's own SDK test suites (bolt-python, bolt-js, slack-machine's
captures; tests/support/samples/slack_sdk/SOURCES.md), replayed through the real signed
HTTP route: what the app stored, and what it sent to the stand-in.

The samples carry Enterprise Grid users (`W…`, `enterprise`), a Slack Connect submission
(`view.app_installed_team_id` apart from `team.id`) and an org-wide install
(`is_enterprise_install`): one rule (bot/slack/workspace.py) decides the workspace of each."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.core.access import outsider_refused
from bot.views.ids import ActionId, BlockId
from storage.models import Deal, DealEvent, ExitTick
from storage.onboarding_models import ProcessedEvent
from tests.support.blockkit import find, text_of
from tests.support.harness import SlackHarness
from tests.support.sdk_samples import (
    as_submission_of,
    command_sample,
    replay_command,
    replay_event,
    replay_interaction,
    sample,
    trigger_id,
    with_action,
)
from tests.support.slack import latest_card

REFUSAL = outsider_refused().message
# The ids the samples carry (kept as Slack's SDK tests have them).
GRID_TEAM, GRID_ORG, GRID_USER = "T111", "E111", "W111"
INSTALLED, PARTNER = "TINSTALLED1", "TOTHERSIDE1"  # the Slack Connect sample, hyphens dropped


async def deals(slack: SlackHarness) -> list[Deal]:
    async with slack.services.db.read() as session:
        return list((await session.exec(select(Deal))).all())


async def rows(slack: SlackHarness, table: Any) -> list[Any]:
    async with slack.services.db.read() as session:
        return list((await session.exec(select(table))).all())


def sent(slack: SlackHarness) -> list[str]:
    """The Web API methods the app called; Bolt's own auth.test (its token check) aside."""
    return [call.method for call in slack.standin.calls() if call.method != "auth.test"]


async def grid_command(slack: SlackHarness, text: str, **changes: str) -> Any:
    """bolt-python's slash command sample (a Grid workspace's user), typed with `text`."""
    url = slack.standin.response_url(channel="C111", user=GRID_USER)
    fields = command_sample(text=text, response_url=url, trigger_id=trigger_id(1), **changes)
    return await replay_command(slack, fields)


# -- a command -------------------------------------------------------------------------------


async def test_the_command_sample_creates_the_deal_in_its_workspace(slack: SlackHarness) -> None:
    answer = await grid_command(slack, "new Acme Corp 50k")
    assert answer.status == 200 and "Acme Corp" in answer.text
    [deal] = await deals(slack)
    assert (deal.team_id, deal.owner_id, deal.amount) == (GRID_TEAM, GRID_USER, 50_000)
    assert "Acme Corp" in text_of(latest_card(slack, GRID_USER)["blocks"])


async def test_the_command_samples_escaped_text_is_read_as_typed(slack: SlackHarness) -> None:
    # What Slack sends for `/deal new AT&T <EU> 5k @owner` with escaping on: the three
    # characters as entities, the mention as markup (docs/slack-text.md).
    owner = GRID_USER  # naming someone else needs their manager or an admin
    answer = await grid_command(slack, f"new AT&amp;T &lt;EU&gt; 5k <@{owner}|dana>")
    assert answer.status == 200 and "AT&amp;T" in answer.text, answer.body
    [deal] = await deals(slack)
    assert (deal.name, deal.owner_id, deal.amount) == ("AT&T <EU>", owner, 5_000)
    card = latest_card(slack, GRID_USER)
    assert "AT&amp;T &lt;EU&gt;" in card["text"]  # mrkdwn: escaped once, shown as typed
    found = await grid_command(slack, "show AT&amp;T &lt;EU")
    assert f"Deal #{deal.id}" in text_of(found.json["blocks"])


async def test_the_command_sample_as_sent_is_a_clear_error_and_stores_nothing(
    slack: SlackHarness,
) -> None:
    # "Hi" is the sample's own text: not a /deal command.
    answer = await grid_command(slack, "Hi")
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    assert answer.text and await deals(slack) == []


# -- clicks: on an ephemeral card, and on a message ------------------------------------------


@pytest.mark.parametrize(
    "name", ["block_actions.ephemeral_button.json", "block_actions.message_button.json"]
)
async def test_a_card_button_shows_the_deal_beside_the_message(
    slack: SlackHarness, name: str
) -> None:
    payload = sample(name)
    user, team = payload["user"]["id"], payload["team"]["id"]
    await slack.command("new Acme Corp 50k", user=user, team=team)
    card = latest_card(slack, user)
    block, history = find(card["blocks"], ActionId.HISTORY)
    with_action(
        payload,
        action_id=ActionId.HISTORY.value,
        block_id=block["block_id"],
        value=history["value"],
    )
    channel = payload["container"]["channel_id"]
    payload["response_url"] = slack.standin.response_url(channel=channel, user=user)
    answer = await replay_interaction(slack, payload)
    assert answer.status == 200
    shown = slack.standin.last("response_url").args
    assert "Acme Corp" in str(shown) and shown.get("replace_original") is False


async def test_a_checklist_tick_on_a_message_is_stored(slack: SlackHarness) -> None:
    payload = sample("block_actions.message_checkboxes.json")
    user, team = payload["user"]["id"], payload["team"]["id"]
    await slack.command("new Globex 20k", user=user, team=team)
    card = latest_card(slack, user)
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    [deal] = await deals(slack)
    stage = slack.services.catalog.current.stage(deal.stage)
    plain = [o for o in checklist["options"] if not stage.item(o["value"]).evidence]
    channel = payload["container"]["channel_id"]
    payload["response_url"] = slack.standin.response_url(channel=channel, user=user)
    with_action(
        payload,
        action_id=ActionId.EXIT_ITEMS.value,
        block_id=block["block_id"],
        selected_options=plain[:1],
    )
    answer = await replay_interaction(slack, payload)
    assert answer.status == 200
    ticks = await rows(slack, ExitTick)
    assert [(t.deal_id, t.item_id, t.ticked_by) for t in ticks] == [
        (deal.id, plain[0]["value"], user)
    ]
    assert slack.standin.last("response_url").args.get("replace_original") is True


# -- App Home, and an event nobody listens to --------------------------------------------------


async def test_app_home_opened_publishes_the_users_deals_of_that_workspace(
    slack: SlackHarness,
) -> None:
    envelope = sample("event.app_home_opened.json")
    user, team = envelope["event"]["user"], envelope["team_id"]
    await slack.command("new Initech 9k", user=user, team=team)
    await slack.command("new Elsewhere 9k", user=user, team="TSOMEWHERE2")
    answer = await replay_event(slack, envelope)
    assert answer.status == 200
    home = slack.standin.home(user)
    assert home is not None
    assert "Initech" in text_of(home["blocks"]) and "Elsewhere" not in text_of(home["blocks"])


async def test_an_event_the_app_does_not_listen_to_is_acknowledged_and_ignored(
    slack: SlackHarness,
) -> None:
    answer = await replay_event(slack, sample("event.app_mention.slack_connect.json"))
    assert answer.status == 200
    assert sent(slack) == [] and await rows(slack, ProcessedEvent) == []


# -- a modal, opened and submitted ------------------------------------------------------------


async def test_the_new_deal_modal_opens_and_its_submission_is_stored(slack: SlackHarness) -> None:
    await grid_command(slack, "new")
    modal = slack.standin.last("views.open").args["view"]
    payload = as_submission_of(
        sample("view_submission.json"),
        modal,
        {BlockId.NAME.value: "Umbrella", BlockId.AMOUNT.value: "75k"},
        trigger=trigger_id(2),
    )
    answer = await replay_interaction(slack, payload)
    assert answer.status == 200 and not (answer.body or {}).get("errors")
    [deal] = await deals(slack)
    assert (deal.name, deal.team_id, deal.owner_id) == ("Umbrella", GRID_TEAM, GRID_USER)
    assert "Umbrella" in text_of(latest_card(slack, GRID_USER)["blocks"])


# -- shortcuts: the samples' callback id is not one of the app's (its own: -------------------
# tests/slack/test_save_as_evidence_samples.py) ----------------------------------------------


async def test_shortcuts_are_acknowledged_and_ignored(slack: SlackHarness) -> None:
    for name in ("shortcut.global.json", "shortcut.message.json"):
        answer = await replay_interaction(slack, sample(name))
        assert answer.status == 200, name
    assert sent(slack) == [] and await deals(slack) == []


# -- Slack Connect: a partner's submission, and their click ------------------------------------


def connect_submission(modal: dict[str, Any], *, user_team: str) -> dict[str, Any]:
    payload = sample("view_submission.slack_connect.json")
    payload["team"]["id"] = payload["user"]["team_id"] = user_team
    return as_submission_of(payload, modal, {BlockId.NAME.value: "Hooli"}, trigger=trigger_id(3))


async def opened_modal(slack: SlackHarness) -> dict[str, Any]:
    url = slack.standin.response_url(channel="C111", user=GRID_USER)
    await replay_command(
        slack,
        command_sample(text="new", team_id=INSTALLED, response_url=url, trigger_id=trigger_id(4)),
    )
    view = slack.standin.last("views.open").args["view"]
    assert isinstance(view, dict)
    return view


async def test_a_partners_new_deal_submission_is_refused_and_stores_nothing(
    slack: SlackHarness,
) -> None:
    modal = await opened_modal(slack)
    answer = await replay_interaction(slack, connect_submission(modal, user_team=PARTNER))
    assert answer.json["response_action"] == "errors"
    assert REFUSAL in answer.json["errors"][BlockId.NAME.value]
    assert await deals(slack) == []


async def test_a_members_submission_in_the_shared_channel_lands_in_the_installing_workspace(
    slack: SlackHarness,
) -> None:
    modal = await opened_modal(slack)
    answer = await replay_interaction(slack, connect_submission(modal, user_team=INSTALLED))
    assert answer.status == 200 and not (answer.body or {}).get("errors")
    [deal] = await deals(slack)
    assert (deal.name, deal.team_id) == ("Hooli", INSTALLED)


async def test_a_partners_click_is_refused_and_changes_nothing(slack: SlackHarness) -> None:
    await grid_command(slack, "new Acme Corp 50k")
    card = latest_card(slack, GRID_USER)
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    payload = with_action(
        sample("block_actions.ephemeral_button.json"),
        type="checkboxes",
        action_id=ActionId.EXIT_ITEMS.value,
        block_id=block["block_id"],
        selected_options=checklist["options"],
    )
    # As Slack sends a partner's click in a shared channel: the installing workspace's
    # `team`, the partner's own `user.team_id`.
    payload["user"]["team_id"] = PARTNER
    payload["response_url"] = slack.standin.response_url(
        channel="C111", user=GRID_USER, message_ts=card["ts"]
    )
    before = await rows(slack, DealEvent)
    answer = await replay_interaction(slack, payload)
    assert answer.status == 200
    assert REFUSAL in str(slack.standin.last("response_url").args)
    assert await rows(slack, ExitTick) == [] and len(await rows(slack, DealEvent)) == len(before)


# -- Enterprise Grid, org-wide: the organisation is the workspace --------------------------------


async def test_an_org_wide_install_keeps_one_pipeline_for_the_organisation(
    slack: SlackHarness,
) -> None:
    # Slack adds is_enterprise_install=true to an org-wide install's commands.
    await grid_command(slack, "new Acme Corp 50k", is_enterprise_install="true")
    [deal] = await deals(slack)
    assert deal.team_id == GRID_ORG

    envelope = sample("event.app_home_opened.org_install.json")
    assert (await replay_event(slack, envelope)).status == 200
    assert slack.standin.home(GRID_USER) is None  # the sample opened the Messages tab

    envelope["event"]["tab"] = "home"
    envelope["event_id"] = "Ev222"  # a second event, not Slack's retry of the first
    assert (await replay_event(slack, envelope)).status == 200
    home = slack.standin.home(GRID_USER)
    assert home is not None and "Acme Corp" in text_of(home["blocks"])
    assert [e.team_id for e in await rows(slack, ProcessedEvent)] == [GRID_ORG]


# every action id the app listens to (the prefixed ones with a suffix): a partner's click on
# any of them is refused before its listener reads or changes anything
PARTNER_CLICKS = [
    f"{action}_1" if action in (ActionId.QUIZ_ANSWER, ActionId.CHOOSE_DEAL) else action.value
    for action in ActionId
]


@pytest.mark.parametrize("action_id", PARTNER_CLICKS)
async def test_every_listener_refuses_a_partners_click(slack: SlackHarness, action_id: str) -> None:
    await grid_command(slack, "new Acme Corp 50k")
    card = latest_card(slack, GRID_USER)
    block, advance = find(card["blocks"], ActionId.ADVANCE)
    payload = with_action(
        sample("block_actions.ephemeral_button.json"),
        action_id=action_id,
        block_id=block["block_id"],
        value=advance["value"],
    )
    payload["user"]["team_id"] = PARTNER
    payload["response_url"] = slack.standin.response_url(channel="C111", user=GRID_USER)
    before = (await rows(slack, DealEvent), await rows(slack, Deal))
    slack.standin.forget_calls()
    answer = await replay_interaction(slack, payload)
    assert answer.status == 200
    assert sent(slack) == ["response_url"]
    assert REFUSAL in str(slack.standin.last("response_url").args)
    assert (await rows(slack, DealEvent), await rows(slack, Deal)) == before
