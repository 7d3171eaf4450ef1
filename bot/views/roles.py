"""`/deal role` answers: everyone's role, one person's, and what a change did. People are
shown as mentions, which Slack turns into names (the shell too)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.team.outcomes import Member, RoleChanged, RoleOf, Roles, a_role
from bot.views.blocks import context, section
from bot.views.counts import counted
from bot.views.message import Message
from bot.views.mrkdwn import bold, escape, mention
from flows.i18n import N_, _, ngettext
from storage.models import Role

MAX_NAMED = 100  # mentions in one line of a list, about 1,600 characters: within a section

_GROUPS = (
    (Role.ADMIN, N_("Admins"), N_("{count} admin"), N_("{count} admins")),
    (Role.MANAGER, N_("Managers"), N_("{count} manager"), N_("{count} managers")),
    (Role.REP, N_("Reps"), N_("{count} rep"), N_("{count} reps")),
)


def named(user_ids: Sequence[str], *, limit: int = MAX_NAMED) -> str:
    """ "<@U1>, <@U2> and 3 more": the first `limit` people, then how many are left."""
    shown = ", ".join(mention(user_id) for user_id in user_ids[:limit])
    more = len(user_ids) - limit
    return _("{names} and {count} more").format(names=shown, count=more) if more > 0 else shown


def member_name(member: Member) -> str:
    """A mention, marked when the person is an admin through STAGECOACH_ADMINS."""
    if member.in_settings:
        return _("{name} (STAGECOACH_ADMINS)").format(name=mention(member.user_id))
    return mention(member.user_id)


def roles_message(roles: Roles) -> Message:
    lines, counts = [], []
    for role, title, one, many in _GROUPS:
        group = [m for m in roles.members if m.role is role]
        if not group:
            continue
        counts.append(counted(len(group), one, many))
        names = [member_name(m) for m in group[:MAX_NAMED]]
        more = len(group) - len(names)
        listed = ", ".join(names) + (_(" and {count} more").format(count=more) if more else "")
        lines.append(f"{bold(_(title))} ({len(group)}): {listed}")
    if not lines:
        empty = _("Nobody has a role yet: everyone starts as a rep.")
        return Message(text=empty, blocks=[section(empty), context(escape(_(_ROLE_HINT)))])
    blocks: list[Block] = [section(line) for line in lines]
    blocks.append(context(escape(_(_ROLE_HINT))))
    return Message(text=_("Roles: {counts}").format(counts=", ".join(counts)), blocks=blocks)


_ROLE_HINT = N_("Admins set a role: /deal role @dana manager")


def role_of_message(outcome: RoleOf) -> Message:
    member = outcome.member
    said = _("{name} is {role}.").format(name=mention(member.user_id), role=a_role(member.role))
    lines = [said]
    if member.in_settings:
        lines.append(_("They are named in STAGECOACH_ADMINS."))
    if member.manager_id:
        lines.append(_("They report to {manager}.").format(manager=mention(member.manager_id)))
    if member.reports:
        said = ngettext("{names} reports to them.", "{names} report to them.", len(member.reports))
        lines.append(said.format(names=named(member.reports)))
    text = " ".join(lines)
    return Message(text=text, blocks=[section(text)])


def role_changed_message(outcome: RoleChanged) -> Message:
    name, role = mention(outcome.user_id), a_role(outcome.role)
    if outcome.role is outcome.before:
        text = _("{name} is already {role}; nothing changed.").format(name=name, role=role)
    else:
        text = ":white_check_mark: " + _("{name} is now {role} (was {before}).").format(
            name=name, role=role, before=a_role(outcome.before)
        )
    return Message(text=text, blocks=[section(text)])
