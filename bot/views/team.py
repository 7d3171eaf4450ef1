"""`/deal team` answers: every team, one manager's, and what a change did to each rep."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.team.outcomes import Member, RepChange, RepMove, TeamChanged, TeamOf, Teams, role_name
from bot.views.blocks import context, section
from bot.views.counts import counted
from bot.views.history import group_lines
from bot.views.limits import SECTION_TEXT
from bot.views.message import Message
from bot.views.mrkdwn import bold, clip, escape, mention
from bot.views.roles import member_name, named
from flows.i18n import N_, N_plural, _, ngettext

MAX_TEAMS = 40  # lines of a team list; with 50 reps each, a dozen sections at most
MAX_REPS = 50  # reps named on one team's line

# -- what a change did ----------------------------------------------------------------

# What a change did, said once for all the reps it happened to alike: (one rep, several),
# the English source of one plural entry (`ngettext` picks the form where it is said).
_SAID = {
    RepChange.JOINED: N_plural(
        "{reps} now reports to {manager}.",
        "{reps} now report to {manager}.",
    ),
    RepChange.MOVED: N_plural(
        "{reps} moved from {other}'s team to {manager}'s.",
        "{reps} moved from {other}'s team to {manager}'s.",
    ),
    RepChange.ALREADY: N_plural(
        "{reps} already reports to {manager}; nothing changed.",
        "{reps} already report to {manager}; nothing changed.",
    ),
    RepChange.LEFT: N_plural(
        "{reps} no longer reports to {manager}.",
        "{reps} no longer report to {manager}.",
    ),
    RepChange.NOT_IN_TEAM: N_plural(
        "{reps} does not report to {manager} but to {other}; nothing changed.",
        "{reps} do not report to {manager} but to {other}; nothing changed.",
    ),
}
_IN_NO_TEAM = N_plural(
    "{reps} does not report to {manager}: they are in no team; nothing changed.",
    "{reps} do not report to {manager}: they are in no team; nothing changed.",
)


def team_changed_message(outcome: TeamChanged) -> Message:
    lines = [
        _said(change, other, reps, outcome.manager_id)
        for (change, other), reps in _alike(outcome.moves).items()
    ]
    if len(lines) == 1:
        line = (":white_check_mark: " if outcome.changed else "") + lines[0]
        return Message(text=line, blocks=[section(line)])
    shown = [f"• {line}" for line in lines[:MAX_TEAMS]]
    blocks: list[Block] = [
        section("\n".join(chunk))
        for chunk in group_lines(shown, limit=SECTION_TEXT, line_limit=SECTION_TEXT)
    ]
    if len(lines) > len(shown):
        blocks.append(context(_("and {count} more").format(count=len(lines) - len(shown))))
    # The fallback text of a notification: the blocks say it all.
    return Message(text=clip(" ".join(lines), SECTION_TEXT), blocks=blocks)


def _alike(moves: tuple[RepMove, ...]) -> dict[tuple[RepChange, str | None], list[str]]:
    """The reps each change happened to alike (the same change, from the same manager), in
    the order they were named."""
    alike: dict[tuple[RepChange, str | None], list[str]] = {}
    for move in moves:
        alike.setdefault((move.change, move.other_manager), []).append(move.rep_id)
    return alike


def _said(change: RepChange, other: str | None, reps: list[str], manager: str) -> str:
    if change is RepChange.NOT_IN_TEAM and other is None:
        one, many = _IN_NO_TEAM
    else:
        one, many = _SAID[change]
    return ngettext(one, many, len(reps)).format(
        reps=named(reps), manager=mention(manager), other=mention(other or "")
    )


# -- every team -----------------------------------------------------------------------


def teams_message(teams: Teams) -> Message:
    if not teams.heads and not teams.unassigned:
        empty = _("No teams yet.")
        return Message(text=empty, blocks=[section(empty), context(escape(_(_FIRST_TEAM)))])
    lines = [team_line(head) for head in teams.heads[:MAX_TEAMS]]
    more = len(teams.heads) - len(lines)
    if more:
        lines.append(_("and {count} more teams: /deal team @manager shows one").format(count=more))
    blocks: list[Block] = [] if lines else [section(_("No teams yet."))]
    if lines:
        blocks.append(section(bold(_("Teams"))))
        blocks += [
            section("\n".join(chunk))
            for chunk in group_lines(lines, limit=SECTION_TEXT, line_limit=SECTION_TEXT)
        ]
    if teams.unassigned:
        alone = named([m.user_id for m in teams.unassigned])
        blocks.append(section(f"{bold(_('In no team'))} ({len(teams.unassigned)}): {alone}"))
    blocks.append(context(escape(_(_CHANGE_HINT))))
    summary = _("Teams: {teams}, {alone}").format(
        teams=counted(len(teams.heads), "{count} team", "{count} teams"),
        alone=counted(
            len(teams.unassigned), "{count} person in no team", "{count} people in no team"
        ),
    )
    return Message(text=summary, blocks=blocks)


_FIRST_TEAM = N_(
    "An admin makes someone a manager, then adds their reps: /deal role @maria manager, "
    "then /deal team @maria add @sam @lee"
)
_CHANGE_HINT = N_("Admins change a team: /deal team @maria add|remove @sam")


def team_line(head: Member) -> str:
    """ "• @maria (manager): @ana, @ben"; a rep with reports is flagged."""
    who = f"{member_name(head)} ({role_name(head.role)})"
    reps = named(head.reports, limit=MAX_REPS) if head.reports else _("nobody yet")
    line = f"• {who}: {reps}"
    if not head.may_have_reports:
        line += " " + _misplaced(head)
    return line


def _misplaced(head: Member) -> str:
    """Only older versions left a rep with reports; say how to mend it."""
    return ":warning: " + _(
        "only a manager or an admin can have reports: /deal role {name} manager"
    ).format(name=mention(head.user_id))


# -- one manager's team ---------------------------------------------------------------


def team_of_message(outcome: TeamOf) -> Message:
    member = outcome.member
    name = mention(member.user_id)
    lines = _team_of_lines(member, name)
    if member.manager_id:
        lines.append(
            _("{name} reports to {manager}.").format(name=name, manager=mention(member.manager_id))
        )
    text = " ".join(lines)
    blocks: list[Block] = [section("\n".join(lines))]
    hint = _team_of_hint(member)
    if hint:
        blocks.append(context(hint))
    return Message(text=text, blocks=blocks)


def _team_of_lines(member: Member, name: str) -> list[str]:
    role = role_name(member.role)
    if member.reports:
        one, many = (
            _("{name} ({role}) has 1 report: {reps}."),
            _("{name} ({role}) has {count} reports: {reps}."),
        )
        said = (one if len(member.reports) == 1 else many).format(
            name=name, role=role, count=len(member.reports), reps=named(member.reports)
        )
        return [said] if member.may_have_reports else [said, _misplaced(member)]
    if member.may_have_reports:
        return [_("Nobody reports to {name} ({role}) yet.").format(name=name, role=role)]
    return [_("{name} is a rep, so nobody reports to them.").format(name=name)]


def _team_of_hint(member: Member) -> str | None:
    name = mention(member.user_id)
    if member.may_have_reports:
        return _("Admins add reps: /deal team {name} add @sam @lee").format(name=name)
    if not member.reports:
        return _(
            "To give them reports, an admin makes them a manager first: /deal role {name} manager"
        ).format(name=name)
    return None
