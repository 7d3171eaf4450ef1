"""The role and team views: pure functions of their outcomes, within Slack's limits for a
large workspace, never cutting a mention in two."""

from __future__ import annotations

import re

from bot.core.outcomes import Outcome
from bot.team.outcomes import Member, RepChange, RepMove, TeamChanged, TeamOf, Teams
from bot.views.outcomes import outcome_message
from storage.models import Role
from tests.support.samples.team import ALL_CHANGES, EVERYONE, MANY_TEAMS, member, user
from tests.support.views import block_texts, message_problems

WHOLE_MENTIONS = re.compile(r"<@[A-Z0-9]+>")


def texts(outcome: Outcome) -> list[str]:
    return block_texts(outcome_message(outcome).to_dict()["blocks"])


def test_long_lists_keep_every_mention_whole_and_say_how_many_more() -> None:
    for outcome in (MANY_TEAMS, EVERYONE, ALL_CHANGES):
        message = outcome_message(outcome)
        assert message_problems(message) == []
        for text in block_texts(message.to_dict()["blocks"]):
            assert text.count("<@") == len(WHOLE_MENTIONS.findall(text)), text[-80:]
    teams = "\n".join(texts(MANY_TEAMS))
    assert "and 30 more" in teams  # 80 reps, 50 named
    assert "and 20 more teams: /deal team @manager shows one" in teams
    assert "*In no team* (500): " in teams and "and 400 more" in teams


def test_a_rep_left_with_reports_is_flagged_with_the_fix() -> None:
    legacy = Member(user(7), Role.REP, False, None, (user(8),))
    listed = "\n".join(texts(Teams((legacy,), ())))
    assert f"• <@{user(7)}> (rep): <@{user(8)}> :warning: only a manager or an admin" in listed
    assert f"/deal role <@{user(7)}> manager" in listed
    assert f"/deal role <@{user(7)}> manager" in "\n".join(texts(TeamOf(legacy)))


def test_no_team_yet_says_how_to_make_one() -> None:
    assert "No teams yet." in texts(Teams((), ()))
    assert any("/deal role @maria manager" in t for t in texts(Teams((), ())))
    alone = texts(Teams((), (member(3),)))
    assert alone[:2] == ["No teams yet.", f"*In no team* (1): <@{user(3)}>"]


def test_changes_alike_are_said_once_and_a_single_change_is_marked() -> None:
    moves = (
        RepMove(user(1), RepChange.MOVED, user(9)),
        RepMove(user(2), RepChange.MOVED, user(9)),
        RepMove(user(3), RepChange.MOVED, user(8)),
    )
    said = texts(TeamChanged(user(5), moves))
    assert said == [
        f"• <@{user(1)}>, <@{user(2)}> moved from <@{user(9)}>'s team to <@{user(5)}>'s.\n"
        f"• <@{user(3)}> moved from <@{user(8)}>'s team to <@{user(5)}>'s."
    ]
    one = outcome_message(TeamChanged(user(5), (RepMove(user(1), RepChange.JOINED),)))
    assert one.text == f":white_check_mark: <@{user(1)}> now reports to <@{user(5)}>."
    same = outcome_message(TeamChanged(user(5), (RepMove(user(1), RepChange.ALREADY),)))
    assert same.text == f"<@{user(1)}> already reports to <@{user(5)}>; nothing changed."


def test_a_manager_with_no_reports_yet() -> None:
    said = texts(TeamOf(member(4, Role.MANAGER)))
    assert said[0] == f"Nobody reports to <@{user(4)}> (manager) yet."
    assert f"/deal team <@{user(4)}> add @sam @lee" in said[1]
