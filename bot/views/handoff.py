"""Handoffs (docs/handoffs.md): the message a team's channel gets when a deal enters one of
its stages, with Accept until someone takes it; the answer to whoever clicks Accept; and
`/deal owners`, the channel each owning team has.

`handoff_message` is what any place that shows a handoff posts (the team's channel, a
reminder after the SLA, later a deal's room): build it from bot.deals.handoffs
`handoff_notice`.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.deals.outcomes import HandoffAccepted, HandoffNotice, OwnersShown, OwnerTeam
from bot.views.blocks import button, context, fields, section
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.mrkdwn import bold, bullets, clip, escape, escape_keeping_mentions, mention
from flows.i18n import _

MAX_EVIDENCE = 10  # items listed; a section holds 3000 characters


def handoff_message(notice: HandoffNotice, *, reminder: str | None = None) -> Message:
    """The team's message: who is asked, the deal, the evidence, and Accept (or who holds it)."""
    title = _("Handoff to {team}: {name} moved from {left} to {entered}").format(
        team=notice.team, name=notice.name, left=notice.from_stage, entered=notice.to_stage
    )
    blocks: list[Block] = []
    if reminder:
        blocks.append(section("⏰ " + escape(reminder)))
    who = f"<!subteam^{notice.usergroup_id}> " if notice.usergroup_id else ""
    blocks.append(section(who + bold(escape(title))))
    blocks.append(
        fields(
            [
                (_("Deal"), f"{escape(notice.name)} (#{notice.deal_id})"),
                (_("Amount"), format_amount(notice.amount, notice.currency)),
                (_("Owner"), mention(notice.owner_id)),
                (_("Handed over by"), mention(notice.handed_by)),
            ]
        )
    )
    blocks.append(section(_evidence(notice)))
    blocks.append(_holder(notice))
    text = f"{reminder} — {title}" if reminder else title
    return Message(text=text, blocks=blocks)


def _evidence(notice: HandoffNotice) -> str:
    if not notice.evidence:
        return bold(_("Evidence so far")) + "\n" + _("none recorded")
    lines = [
        f"{escape(clip(item, 120))}: {escape(clip(value, 200))}"
        for item, value in notice.evidence[-MAX_EVIDENCE:]
    ]
    return bold(_("Evidence so far")) + "\n" + bullets(lines)


def _holder(notice: HandoffNotice) -> Block:
    if notice.accepted_by:
        return context(
            "✅ "
            + _("{person} holds {name} for {team}").format(
                person=mention(notice.accepted_by),
                name=escape(notice.name),
                team=escape(notice.team),
            )
        )
    accept = button(
        _("Accept"),
        action_id=ActionId.HANDOFF_ACCEPT,
        value=str(notice.handoff_id),
        style="primary",
    )
    return ActionsBlock(elements=[accept])


def waiting_text(team: str, hours: int) -> str:
    """A digest's line for a handoff nobody accepted: "waiting 26 h for Implementation"."""
    return _("waiting {hours} h for {team}").format(hours=hours, team=escape(team))


def handoff_accepted_message(outcome: HandoffAccepted) -> Message:
    """The answer beside the handoff, for whoever clicked Accept."""
    notice = outcome.notice
    holder = notice.accepted_by or ""
    if outcome.already:
        text = _("{person} already holds {name} for {team}; nothing changed").format(
            person=mention(holder), name=notice.name, team=notice.team
        )
    else:
        text = _("You hold {name} for {team} now; its card says so").format(
            name=notice.name, team=notice.team
        )
    return Message(text=text, blocks=[section(escape_keeping_mentions(text))])


def owners_message(outcome: OwnersShown) -> Message:
    title = _("Owning teams and where their handoffs go")
    if outcome.changed:
        title = "✅ " + _("{owner}'s handoffs go to its channel now").format(owner=outcome.changed)
    if outcome.removed:
        title = "✅ " + _("{owner} has no channel now: its handoffs are not posted").format(
            owner=outcome.removed
        )
    lines = [_team_line(team) for team in outcome.teams]
    lines += [_team_line(team) + " " + _("(not in the current map)") for team in outcome.others]
    blocks: list[Block] = [section(bold(escape(title))), section(bullets(lines))]
    blocks.append(
        context(escape(_("Admins: /deal owners set <owner> #channel [@group] · remove <owner>")))
    )
    return Message(text=title, blocks=blocks)


def _team_line(team: OwnerTeam) -> str:
    if team.channel_id is None:
        return _("{owner}: no channel").format(owner=bold(escape(team.owner)))
    where = f"<#{team.channel_id}>"
    if team.usergroup_id:
        where += " " + _("mentioning {group}").format(group=f"<!subteam^{team.usergroup_id}>")
    return f"{bold(escape(team.owner))}: {where}"
