"""`/deal playbook <what the buyer said>` answers for the deal: its stage's answer first,
then its neighbours', each saying which stage it belongs to; through signed Slack requests
and the shell, on both backends."""

from __future__ import annotations

from bot.shell.session import ShellSession
from bot.views.text import render_text
from tests.support.harness import SlackHarness
from tests.support.slack import REP

VENDOR = "we already have a vendor"
HAVE_TOOL = "We already use something for this."
COMPARE = "We need to compare a couple of other vendors first."


def _in_order(text: str, *parts: str) -> bool:
    places = [text.find(part) for part in parts]
    return -1 not in places and places == sorted(places)


async def test_on_a_qualification_deal_its_stages_answer_comes_first(slack: SlackHarness) -> None:
    await slack.command("new Acme 50k", user=REP)  # in Qualification

    answer = await slack.command(f"playbook {VENDOR}", user=REP)

    shown = render_text(answer.json["blocks"])
    assert _in_order(shown, HAVE_TOOL, COMPARE), shown
    assert "competition · heard in Qualification, this deal's stage" in shown
    assert "competition · heard in Proposal\n" in shown
    assert "for Acme" in shown


async def test_a_deal_named_by_number_is_searched_for_and_a_missing_one_refused(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 50k", user=REP)
    await slack.command("new Globex 20k", user=REP)

    named = await slack.command(f"playbook #1 {VENDOR}", user=REP)
    missing = await slack.command(f"playbook #99 {VENDOR}", user=REP)

    assert "for Acme" in render_text(named.json["blocks"])
    assert "there is no deal #99 in this workspace" in missing.text


async def test_without_a_deal_the_best_answer_of_any_stage_comes_first(
    slack: SlackHarness,
) -> None:
    answer = await slack.command(f"playbook {VENDOR}", user=REP)

    shown = render_text(answer.json["blocks"])
    assert _in_order(shown, COMPARE, HAVE_TOOL), shown
    assert "this deal's stage" not in shown


async def test_the_shell_shows_the_deals_stage_first(session: ShellSession) -> None:
    await session.command("new Acme 50k")

    reply = await session.command(f"playbook {VENDOR}")

    shown = render_text(reply.surfaces[-1].blocks)
    assert _in_order(shown, HAVE_TOOL, COMPARE), shown
