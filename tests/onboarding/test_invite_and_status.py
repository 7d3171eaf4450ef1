"""Marking someone as new (`/deal onboard @user`), and the progress a manager sees
(`/deal onboard status`, App Home), through the real HTTP app."""

from __future__ import annotations

from bot.slack_standin import app_home_opened_event, event_callback
from bot.views.ids import ActionId
from tests.onboarding.conftest import (
    answer_button,
    click,
    dm,
    last_dm,
    progress_of,
    stored_questions,
)
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, REP2, make_team

NEWCOMER = "U0NEW0001"


async def test_a_manager_sends_a_new_rep_the_tour_once(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP, REP2)

    sent = await slack.command(f"onboard <@{REP}>", user=MANAGER)

    assert f"Sent the onboarding tour to <@{REP}>" in sent.text
    tour = last_dm(slack, REP)
    assert tour["blocks"][0]["text"]["text"].startswith("Tour 1/")
    assert f"<@{MANAGER}> added you to onboarding." in tour["blocks"][1]["text"]["text"]
    assert (await progress_of(slack, REP)).invited_by == MANAGER
    assert dm(slack, MANAGER) == []  # nothing in the manager's own DM

    again = await slack.command(f"onboard <@{REP}>", user=MANAGER)
    assert "already started onboarding, so nothing was sent again" in again.text
    assert len(dm(slack, REP)) == 1


async def test_only_an_admin_or_the_manager_may_send_it(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP, REP2)

    refused = await slack.command(f"onboard <@{REP}>", user=REP2)
    assert f"<@{REP}> reports to <@{MANAGER}>; only they or an admin" in refused.text
    assert dm(slack, REP) == []

    by_admin = await slack.command(f"onboard <@{NEWCOMER}>", user=ADMIN)
    assert "Sent the onboarding tour" in by_admin.text
    assert len(dm(slack, NEWCOMER)) == 1


async def test_a_manager_onboards_a_new_hire_who_joins_their_team(slack: SlackHarness) -> None:
    """#18: `/deal onboard @sam` by a manager said only sam's manager may, and sam had none."""
    await make_team(slack, MANAGER, REP)

    sent = await slack.command(f"onboard <@{NEWCOMER}>", user=MANAGER)

    assert f"Sent the onboarding tour to <@{NEWCOMER}>." in sent.text
    assert "They had no manager, so they now report to you." in sent.text
    assert last_dm(slack, NEWCOMER)["blocks"][0]["text"]["text"].startswith("Tour 1/")
    told = last_dm(slack, ADMIN)["text"]
    assert f"<@{MANAGER}> onboarded <@{NEWCOMER}>, who had no manager" in told
    assert f"<@{NEWCOMER}> now reports to <@{MANAGER}>" in told
    teams = text_of((await slack.command("team", user=REP)).json["blocks"])
    assert f"@{MANAGER} (manager): @{NEWCOMER}, @{REP}" in teams
    status = text_of((await slack.command("onboard status", user=MANAGER)).json["blocks"])
    assert f"@{NEWCOMER} — tour stage 1 of" in status and f"@{REP} — not started" in status


async def test_a_manager_cannot_take_someone_elses_rep_by_onboarding(
    slack: SlackHarness,
) -> None:
    await make_team(slack, MANAGER, REP)
    await make_team(slack, REP2)  # a second manager, with nobody yet

    refused = await slack.command(f"onboard <@{REP}>", user=REP2)

    assert f"<@{REP}> reports to <@{MANAGER}>; only they or an admin" in refused.text
    assert f"/deal team <@{REP2}> add <@{REP}>" in refused.text
    assert dm(slack, REP) == [] and dm(slack, ADMIN) == []
    teams = text_of((await slack.command("team", user=REP)).json["blocks"])
    assert f"@{MANAGER} (manager): @{REP}" in teams


async def test_a_rep_cannot_onboard_a_new_hire(slack: SlackHarness) -> None:
    refused = await slack.command(f"onboard <@{NEWCOMER}>", user=REP)
    assert "only an admin, or a manager (who then becomes their manager)" in refused.text
    assert f"/deal role <@{REP}> manager" in refused.text
    assert dm(slack, NEWCOMER) == [] and dm(slack, ADMIN) == []


async def test_onboard_with_a_mention_of_oneself_is_plain_onboard(slack: SlackHarness) -> None:
    answer = await slack.command(f"onboard <@{REP}>", user=REP)
    assert "direct messages" in answer.text
    assert (await progress_of(slack, REP)).invited_by is None


async def test_a_bad_onboard_line_says_how_to_write_it(slack: SlackHarness) -> None:
    answer = await slack.command("onboard everyone now", user=REP)
    assert "Usage: /deal onboard [status|@user]" in answer.text
    help_text = (await slack.command("help onboard", user=REP)).text
    assert "/deal onboard [status|@user]" in help_text


async def test_the_manager_sees_each_reps_progress(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP, REP2)
    await slack.command(f"onboard <@{REP}>", user=MANAGER)
    await click(slack, REP, last_dm(slack, REP), ActionId.QUIZ_START)
    for question in await stored_questions(slack, REP):
        await click(slack, REP, last_dm(slack, REP), answer_button(question, right=True))

    status = await slack.command("onboard status", user=MANAGER)

    shown = text_of(status.json["blocks"])
    assert "Onboarding of your team" in shown
    assert (
        f"@{REP} — tour stage 1 of 10 · quiz best 8 of 8 (1 attempt) · practice not started"
        in shown
    )
    assert f"@{REP2} — not started" in shown
    assert "0 of 2 done" in shown

    mine = await slack.command("onboard status", user=REP)
    assert "Your onboarding" in text_of(mine.json["blocks"])
    everyone = await slack.command("onboard status", user=ADMIN)
    assert "Onboarding in this workspace" in text_of(everyone.json["blocks"])

    await slack.event(event_callback(app_home_opened_event(MANAGER), team_id=slack.team_id))
    home = text_of(slack.standin.home(MANAGER)["blocks"])  # type: ignore[index]
    assert "Onboarding\n==========" in home and "quiz best 8 of 8" in home


async def test_an_admin_sees_every_rep_started_or_not(slack: SlackHarness) -> None:
    """#17: an admin's status left out the reps who had not started; a manager's showed them."""
    await make_team(slack, MANAGER, REP, REP2)
    await slack.command(f"onboard <@{REP}>", user=MANAGER)

    shown = text_of((await slack.command("onboard status", user=ADMIN)).json["blocks"])
    by_manager = text_of((await slack.command("onboard status", user=MANAGER)).json["blocks"])

    assert "Onboarding in this workspace" in shown
    assert f"@{REP} — tour stage 1 of" in shown
    assert f"@{REP2} — not started" in shown and f"@{REP2} — not started" in by_manager
    assert f"@{MANAGER} —" not in shown  # managers are not reps; they show once they start
    assert "0 of 2 done" in shown
    # App Home lists the same people: it once showed only those who had started
    await slack.event(event_callback(app_home_opened_event(ADMIN), team_id=slack.team_id))
    home = text_of(slack.standin.home(ADMIN)["blocks"])  # type: ignore[index]
    assert f"@{REP2} — not started" in home and f"@{REP} — tour stage 1 of" in home


async def test_a_rep_without_a_manager_sees_no_onboarding_on_app_home(slack: SlackHarness) -> None:
    await slack.command("onboard", user=REP)
    await slack.event(event_callback(app_home_opened_event(REP), team_id=slack.team_id))
    assert "Onboarding\n==========" not in text_of(slack.standin.home(REP)["blocks"])  # type: ignore[index]
