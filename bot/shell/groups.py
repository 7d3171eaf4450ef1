"""The shell's user groups. `@impl-team` typed anywhere is a Slack user group
(bot.shell.people): the stand-in then knows it, with nobody in it, as Slack knows a group
someone mentions. `/group @impl-team @carl @dana` says who is in it, as a Slack admin
would; the app lists its members (usergroups.users.list) when a deal room invites the
owning team /deal owners mapped to it (docs/deal-rooms.md)."""

from __future__ import annotations

from bot.shell.people import GROUP_SUFFIX, clean_name
from bot.shell.reply import Reply
from bot.shell.session import ShellSession

USAGE = "e.g. /group @impl-team @carl @dana (a group's name ends in -team)"


def learn_groups(session: ShellSession) -> None:
    """Every group mentioned so far exists in the stand-in (its members, once set, stay)."""
    groups = session.standin.workspace.usergroups
    for group_id, name in session.directory.names.items():
        if group_id.startswith("S") and group_id not in groups:
            session.standin.add_usergroup(group_id, name, [])


def define_group(session: ShellSession, rest: str) -> Reply:
    """`/group @x-team`: who is in it; `/group @x-team @a @b`: they are, nobody else."""
    name, *people = rest.split() or [""]
    group = clean_name(name)
    names = [clean_name(person) for person in people]
    if group is None or not group.endswith(GROUP_SUFFIX) or None in names:
        return Reply(problem=f"which group, and who is in it? {USAGE}")
    group_id = session.directory.group(group)
    learn_groups(session)
    if people:
        members = [_person(session, person) for person in names if person]
        session.standin.add_usergroup(group_id, group, members)
    users = session.standin.workspace.usergroups[group_id]["users"]
    who = ", ".join("@" + session.directory.names.get(user, user) for user in users)
    return Reply(note=f"@{group}: {who}" if who else f"@{group} has nobody in it; {USAGE}")


def _person(session: ShellSession, name: str) -> str:
    """Someone the shell knows from now on (as /as would make them): their user id."""
    person = session.directory.identity(name)
    session.standin.add_user(person.user_id, name=person.name, real_name=person.real_name)
    return person.user_id
