"""/deal role and /deal team through the real app (signed slash commands in, the answer in
the acknowledgement), on both backends: only a manager or an admin has reports, a move
between teams is said, anyone reads roles and teams, and every refusal says what to do
and changes nothing."""

from __future__ import annotations

import pytest

from storage import queries
from storage.models import Person, Role
from tests.support.blockkit import text_of
from tests.support.deals import writes_nothing
from tests.support.harness import Answer, SlackHarness
from tests.support.slack import ADMIN, make_team

ANA, BEN, CARL, DANA, ZOE = "U0ANA0001", "U0BEN0001", "U0CARL001", "U0DANA001", "U0ZOE0001"


async def person(slack: SlackHarness, user: str) -> Person | None:
    async with slack.services.db.read() as session:
        return await queries.person(session, team_id=slack.team_id, user_id=user)


async def manager_of(slack: SlackHarness, user: str) -> str | None:
    found = await person(slack, user)
    return found.manager_id if found else None


async def role_of(slack: SlackHarness, user: str) -> Role:
    found = await person(slack, user)
    return Role(found.role) if found else Role.REP


def shown(answer: Answer) -> str:
    """What the person sees: the blocks as text (a mention shows as @U…)."""
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral", answer
    return text_of(answer.json["blocks"])


# -- only a manager or an admin has reports ------------------------------------------------


async def test_reports_for_a_rep_are_refused_and_the_promotion_is_named(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 10k", user=BEN)

    async with writes_nothing(slack.services):
        refused = await slack.command(f"team <@{ANA}> add <@{BEN}>", user=ADMIN)

    said = shown(refused)
    assert f"@{ANA} is a rep; only a manager or an admin can have reports" in said
    assert f"Try: make them a manager first: /deal role @{ANA} manager, then run" in said
    # ana was not made a manager behind the admin's back: she cannot override ben's gate
    override = await slack.command("override #1 the buyer signed", user=ANA)
    assert f"only the manager of @{BEN} or an admin can override" in shown(override)
    assert await role_of(slack, ANA) is Role.REP


async def test_after_the_promotion_the_same_command_works(slack: SlackHarness) -> None:
    await slack.command(f"team <@{ANA}> add <@{BEN}>", user=ADMIN)
    promoted = await slack.command(f"role <@{ANA}> manager", user=ADMIN)
    assert f"@{ANA} is now a manager (was a rep)." in shown(promoted)

    added = await slack.command(f"team <@{ANA}> add <@{BEN}>", user=ADMIN)

    assert f"@{BEN} now reports to @{ANA}." in shown(added)
    assert await manager_of(slack, BEN) == ANA


async def test_an_admin_may_have_reports_without_being_made_a_manager(
    slack: SlackHarness,
) -> None:
    await slack.command(f"role <@{DANA}> admin", user=ADMIN)
    # one named in STAGECOACH_ADMINS, and one made an admin with /deal role
    by_settings = await slack.command(f"team <@{ADMIN}> add <@{ZOE}>", user=ADMIN)
    assert f"@{ZOE} now reports to @{ADMIN}." in shown(by_settings)
    by_role = await slack.command(f"team <@{DANA}> add <@{ZOE}>", user=ADMIN)
    assert f"@{ZOE} moved from @{ADMIN}'s team to @{DANA}'s." in shown(by_role)
    assert await manager_of(slack, ZOE) == DANA
    assert await role_of(slack, DANA) is Role.ADMIN


# -- moving between teams, and changes that change nothing ---------------------------------


async def test_moving_a_rep_between_managers_says_from_where(slack: SlackHarness) -> None:
    await make_team(slack, CARL, BEN, ZOE)
    await slack.command(f"role <@{ANA}> manager", user=ADMIN)

    moved = await slack.command(f"team <@{ANA}> add <@{BEN}> <@{DANA}>", user=ADMIN)

    said = shown(moved)
    assert f"@{BEN} moved from @{CARL}'s team to @{ANA}'s." in said
    assert f"@{DANA} now reports to @{ANA}." in said
    assert (await manager_of(slack, BEN), await manager_of(slack, ZOE)) == (ANA, CARL)


async def test_adding_someone_already_in_the_team_says_so_and_changes_nothing(
    slack: SlackHarness,
) -> None:
    await make_team(slack, CARL, BEN)

    async with writes_nothing(slack.services):
        again = await slack.command(f"team <@{CARL}> add <@{BEN}> <@{BEN}>", user=ADMIN)

    assert shown(again) == f"@{BEN} already reports to @{CARL}; nothing changed."


async def test_removing_someone_not_in_the_team_says_so_and_changes_nothing(
    slack: SlackHarness,
) -> None:
    await make_team(slack, CARL, BEN)
    await make_team(slack, ANA, ZOE)

    async with writes_nothing(slack.services):
        answer = await slack.command(f"team <@{ANA}> remove <@{BEN}> <@{DANA}>", user=ADMIN)

    said = shown(answer)
    assert f"@{BEN} does not report to @{ANA} but to @{CARL}; nothing changed." in said
    assert f"@{DANA} does not report to @{ANA}: they are in no team; nothing changed." in said
    removed = await slack.command(f"team <@{ANA}> remove <@{ZOE}>", user=ADMIN)
    assert f"@{ZOE} no longer reports to @{ANA}." in shown(removed)
    assert await manager_of(slack, ZOE) is None


# -- someone with reports stays a manager or an admin --------------------------------------


@pytest.mark.parametrize("role", ["manager", "admin"])
async def test_someone_with_reports_is_not_made_a_rep_until_they_move(
    slack: SlackHarness, role: str
) -> None:
    await slack.command(f"role <@{CARL}> {role}", user=ADMIN)
    await slack.command(f"team <@{CARL}> add <@{BEN}> <@{ZOE}>", user=ADMIN)

    async with writes_nothing(slack.services):
        refused = await slack.command(f"role <@{CARL}> rep", user=ADMIN)

    said = shown(refused)
    assert f"@{CARL} has reports (@{BEN}, @{ZOE}); a rep cannot have reports" in said
    assert f"/deal team @manager add @{BEN} @{ZOE}" in said
    assert f"/deal team @{CARL} remove @{BEN} @{ZOE}" in said

    await make_team(slack, ANA)  # a manager nobody reports to yet
    moved = await slack.command(f"team <@{ANA}> add <@{BEN}> <@{ZOE}>", user=ADMIN)
    assert f"@{BEN}, @{ZOE} moved from @{CARL}'s team to @{ANA}'s." in shown(moved)
    demoted = await slack.command(f"role <@{CARL}> rep", user=ADMIN)
    assert f"@{CARL} is now a rep (was {'a manager' if role == 'manager' else 'an admin'})." in (
        shown(demoted)
    )


async def test_an_admin_with_reports_may_become_a_manager(slack: SlackHarness) -> None:
    await slack.command(f"role <@{DANA}> admin", user=ADMIN)
    await slack.command(f"team <@{DANA}> add <@{BEN}>", user=ADMIN)

    changed = await slack.command(f"role <@{DANA}> manager", user=ADMIN)

    assert f"@{DANA} is now a manager (was an admin)." in shown(changed)
    assert await manager_of(slack, BEN) == DANA


async def test_an_admin_named_in_the_settings_stays_one(slack: SlackHarness) -> None:
    async with writes_nothing(slack.services):
        refused = await slack.command(f"role <@{ADMIN}> manager", user=ADMIN)
        same = await slack.command(f"role <@{ADMIN}> admin", user=ADMIN)

    assert f"@{ADMIN} is an admin through STAGECOACH_ADMINS" in shown(refused)
    assert "take them out of STAGECOACH_ADMINS" in shown(refused)
    assert shown(same) == f"@{ADMIN} is already an admin; nothing changed."


# -- anyone reads roles and teams ----------------------------------------------------------


async def test_anyone_lists_the_teams(slack: SlackHarness) -> None:
    await make_team(slack, CARL, BEN, ZOE)
    await make_team(slack, ANA)
    await slack.command("new Acme 10k", user=DANA)  # a person of the workspace, in no team

    listed = shown(await slack.command("team", user=BEN))

    assert f"• @{ANA} (manager): nobody yet" in listed
    assert f"• @{CARL} (manager): @{BEN}, @{ZOE}" in listed
    assert f"In no team (1): @{DANA}" in listed


async def test_anyone_lists_one_managers_team(slack: SlackHarness) -> None:
    await make_team(slack, CARL, BEN, ZOE)

    carls = shown(await slack.command(f"team <@{CARL}>", user=BEN))
    bens = shown(await slack.command(f"team <@{BEN}>", user=BEN))

    assert f"@{CARL} (manager) has 2 reports: @{BEN}, @{ZOE}." in carls
    assert f"@{BEN} is a rep, so nobody reports to them." in bens
    assert f"@{BEN} reports to @{CARL}." in bens


async def test_anyone_lists_the_roles_with_the_admins_of_the_settings_marked(
    slack: SlackHarness,
) -> None:
    await make_team(slack, CARL, BEN)
    await slack.command(f"role <@{DANA}> admin", user=ADMIN)

    listed = shown(await slack.command("role", user=BEN))

    assert f"Admins (2): @{DANA}, @{ADMIN} (STAGECOACH_ADMINS)" in listed
    assert f"Managers (1): @{CARL}" in listed
    assert f"Reps (1): @{BEN}" in listed


async def test_anyone_reads_one_persons_role(slack: SlackHarness) -> None:
    await make_team(slack, CARL, BEN)

    carl = shown(await slack.command(f"role <@{CARL}>", user=BEN))
    admin = shown(await slack.command(f"role <@{ADMIN}>", user=BEN))
    stranger = shown(await slack.command(f"role <@{ZOE}>", user=BEN))

    assert carl == f"@{CARL} is a manager. @{BEN} reports to them."
    assert admin == f"@{ADMIN} is an admin. They are named in STAGECOACH_ADMINS."
    assert stranger == f"@{ZOE} is a rep."


@pytest.mark.parametrize(
    "line",
    [f"role <@{BEN}> manager", f"team <@{CARL}> add <@{BEN}>", f"team <@{CARL}> remove <@{BEN}>"],
)
async def test_only_an_admin_changes_them(slack: SlackHarness, line: str) -> None:
    await make_team(slack, CARL)
    async with writes_nothing(slack.services):
        refused = await slack.command(line, user=CARL)
    assert "only an admin can change roles and teams" in shown(refused)


# -- what cannot be read is refused, specifically ------------------------------------------

BAD_LINES = [
    ("role dana manager", "'dana' is not a person", "mention them with @"),
    (f"role <@{DANA}> boss", "'boss' is not a role", "write rep, manager or admin"),
    (f"role manager <@{DANA}>", "the person comes first, then 'manager'", "/deal role @dana"),
    (f"role <@{DANA}> manager now", "'now' is too much", "one person's role at a time"),
    ("team maria add sam", "'maria' is not a person", "mention them with @"),
    (f"team <@{CARL}> hire <@{BEN}>", "'hire' is neither add nor remove", "write add or remove"),
    (f"team <@{CARL}> <@{BEN}>", f"add or remove? Say what to do with @{BEN}", "add @"),
    (f"team <@{CARL}> add", "add needs at least one rep after it", "/deal team @maria add"),
    (f"team <@{CARL}> add <@{BEN}> sam", "'sam' is not a person: mention each rep with @", ""),
    (f"team add <@{CARL}> <@{BEN}>", "the person comes first, then 'add'", "/deal team @maria"),
    (f"team <@{CARL}> add <@{CARL}>", f"@{CARL} cannot report to themselves", "name the reps"),
]


@pytest.mark.parametrize(("line", "wrong", "right"), BAD_LINES, ids=[b[0] for b in BAD_LINES])
async def test_a_line_that_cannot_be_read_says_what_was_wrong_and_changes_nothing(
    slack: SlackHarness, line: str, wrong: str, right: str
) -> None:
    await make_team(slack, CARL)
    async with writes_nothing(slack.services):
        refused = shown(await slack.command(line, user=ADMIN))
    assert wrong in refused and right in refused


async def test_help_says_the_rules(slack: SlackHarness) -> None:
    team = shown(await slack.command("help team", user=BEN))
    role = shown(await slack.command("help role", user=BEN))

    assert "/deal team [@manager [add|remove @rep…]]" in team
    assert "Only a manager or an admin can have reports" in team
    assert "A rep added to a team leaves the one they were in" in team
    assert "/deal role [@user [rep|manager|admin]]" in role
    assert "cannot become a rep until their reports have moved" in role
