"""A person's language is read from Slack (users.info), and Slack may be slow or rate-limit
it: the answer never waits for it past half a second (bot/slack/user_locales.py). Meanwhile
the person is answered in the workspace's language, and once Slack has answered, in theirs."""

from __future__ import annotations

import time

import pytest

from bot.slack_standin import Fault, Hang, JsonError
from flows.i18n import _
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, REP

SLACKS_DEADLINE_S = 3.0  # for the acknowledgement; the faults below last longer
SLOW = {
    "hangs": (Hang(6.0), 1),
    "rate-limited past the client's retries": (JsonError("ratelimited", status=429, retry_after=1), 4),
}  # fmt: skip


def created(name: str, stage: str, *, locale: str) -> str:
    return _("Created {name} in {stage}", locale=locale).format(name=name, stage=stage)


@pytest.mark.parametrize(("fault", "times"), SLOW.values(), ids=SLOW.keys())
async def test_a_slow_users_info_never_holds_up_the_answer(
    slack: SlackHarness, fault: Fault, times: int
) -> None:
    slack.standin.add_user(REP, locale="en-US")
    assert (await slack.command("settings language tr", user=ADMIN)).status == 200
    slack.standin.fault_next("users.info", fault, times=times)

    started = time.monotonic()
    first = await slack.command("new Acme 50k", user=REP)
    took = time.monotonic() - started

    assert first.status == 200 and took < SLACKS_DEADLINE_S, took
    stage = slack.services.catalog.current.stages[0].name
    assert created("Acme", stage, locale="tr") in first.text  # the workspace's language
    await slack.runtime.locales.settle()  # Slack never said: asked again in a minute
    again = await slack.command("new Globex 20k", user=REP)
    assert created("Globex", stage, locale="tr") in again.text
    assert len(slack.standin.calls("users.info")) == 1 + times  # the admin's, then REP's


async def test_once_slack_answers_the_person_hears_their_own_language(
    slack: SlackHarness,
) -> None:
    slack.standin.add_user(REP, locale="en-US")
    assert (await slack.command("settings language tr", user=ADMIN)).status == 200
    slack.runtime.locales.wait_s = 0.0  # the first answer does not wait for Slack at all
    stage = slack.services.catalog.current.stages[0].name

    first = await slack.command("new Acme 50k", user=REP)
    await slack.runtime.locales.settle()
    again = await slack.command("new Globex 20k", user=REP)

    assert created("Acme", stage, locale="tr") in first.text
    assert created("Globex", stage, locale="en") in again.text


async def test_one_person_is_looked_up_once_however_many_requests_wait(
    slack: SlackHarness,
) -> None:
    slack.standin.add_user(REP, locale="tr-TR")
    for name in ("Acme", "Globex", "Initech"):
        assert (await slack.command(f"new {name} 5k", user=REP)).status == 200
    asked = [c for c in slack.standin.calls("users.info") if c.args.get("user") == REP]
    assert len(asked) == 1
