"""What `/deal room` answers, the card pinned in a deal's room, and the post a stage
change makes there (docs/deal-rooms.md). Slack's error names become sentences here."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.core.outcomes import DealCard
from bot.deals.outcomes import Moved
from bot.deals.room_outcomes import (
    RoomExists,
    RoomMade,
    RoomNotMade,
    RoomProblem,
    RoomStep,
    RoomWanted,
)
from bot.views.blocks import context, section
from bot.views.card import card_blocks, card_text
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, escape, mention
from bot.views.notices import moved_notice
from flows.i18n import _


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>"


def room_wanted_message(wanted: RoomWanted) -> Message:
    words = _("Making #{channel} for {name}…")
    text = words.format(channel=wanted.names[0], name=wanted.card.name)
    shown = words.format(channel=wanted.names[0], name=bold(escape(wanted.card.name)))
    return Message(text=text, blocks=[section(":hourglass_flowing_sand: " + shown)])


def room_exists_message(room: RoomExists) -> Message:
    words = _("{name} has its room already: {room}")
    text = words.format(name=room.deal_name, room=f"#{room.channel_name}")
    shown = words.format(name=bold(escape(room.deal_name)), room=channel_link(room.channel_id))
    hint = _("one room per deal; /deal history #{deal} says who made it").format(deal=room.deal_id)
    return Message(text=text, blocks=[section(shown), context(escape(hint))])


def room_made_message(made: RoomMade) -> Message:
    words = _("{room} is {name}'s room: its card is pinned there, and its stage changes go there")
    text = words.format(room=f"#{made.channel_name}", name=made.card.name)
    shown = words.format(room=channel_link(made.channel_id), name=bold(escape(made.card.name)))
    blocks: list[Block] = [section(":door: " + shown)]
    if made.invited:
        who = ", ".join(mention(user) for user in made.invited)
        blocks.append(context(_("Invited: {who}").format(who=who)))
    if made.problems:
        lines = [problem_text(problem) for problem in made.problems]
        blocks.append(section(":warning: " + bullets(lines)))
        text += "\n" + "\n".join(lines)
    if made.team is not None and made.team.usergroup_id is None:
        hint = _(
            "{team} has no user group to invite: /deal owners set {team} #channel @group"
        ).format(team=made.team.owner)
        blocks.append(context(escape(hint)))
        text += "\n" + hint
    return Message(text=text, blocks=blocks)


def problem_text(problem: RoomProblem) -> str:
    """One line, as mrkdwn that reads as plain text too (a mention and Slack's error name)."""
    error = f"`{problem.error}`"
    if problem.step is RoomStep.BIND:
        return _("the deal could not be bound to it: {why}").format(why=escape(problem.error))
    if problem.step is RoomStep.INVITE:
        return _(
            "{who} could not be invited ({error}): invite them from the channel's details"
        ).format(who=mention(problem.user_id or ""), error=error)
    if problem.step is RoomStep.TEAM:
        return _(
            "{team}'s user group could not be listed ({error}): invite its members from the "
            "channel's details"
        ).format(team=escape(problem.team or ""), error=error)
    if problem.step is RoomStep.CARD:
        return _("the card could not be posted ({error}): run /deal show there").format(error=error)
    return _("the card could not be pinned ({error}): pin it from its message's menu").format(
        error=error
    )


def room_not_made_message(refused: RoomNotMade) -> Message:
    message, hint = _refusal(refused, refused.deal_name)
    shown, _hint = _refusal(refused, bold(escape(refused.deal_name)))
    text = f"{message} {_('Try:')} {hint}"
    return Message(text=text, blocks=[section(":x: " + shown), context(_("Try:") + " " + hint)])


def _refusal(refused: RoomNotMade, name: str) -> tuple[str, str]:
    """What Slack's refusal means, and what to do; `name` is the deal's, as shown."""
    error = refused.error
    if error == "name_taken":
        tried = ", ".join(f"#{each}" for each in refused.tried)
        return (
            _("no room was made for {name}: every name tried is taken ({tried})").format(
                name=name, tried=tried
            ),
            _("archive or rename one of those channels, or rename the deal with /deal edit"),
        )
    if error in ("restricted_action", "no_permission", "user_is_restricted"):
        return (
            _(
                "no room was made for {name}: this workspace does not let the app make "
                "channels ({error})"
            ).format(name=name, error=error),
            _("ask a Slack admin to allow it, or make a channel yourself and /deal bind there"),
        )
    if error == "missing_scope":
        return (
            _("no room was made for {name}: the app lacks the channels:manage scope").format(
                name=name
            ),
            _("ask an admin to reinstall the app from its manifest"),
        )
    if error.startswith("invalid_name"):
        return (
            _("no room was made for {name}: Slack refused the name #{channel} ({error})").format(
                name=name, channel=refused.tried[-1], error=error
            ),
            _("rename the deal with /deal edit, then /deal room again"),
        )
    return (
        _("no room was made for {name}: Slack refused ({error})").format(name=name, error=error),
        _("/deal room again in a minute; nothing was kept"),
    )


def room_card_message(card: DealCard) -> Message:
    """The card pinned in the room: what the deal's card shows, without its buttons and
    checkboxes (a click there would replace the pinned message for everyone)."""
    blocks = [block for block in card_blocks(card) if not isinstance(block, ActionsBlock)]
    hint = _("In this channel /deal needs no deal name: /deal show for the live card")
    return Message(text=card_text(card), blocks=[*blocks, context(escape(hint))])


def room_move_message(actor_id: str, moved: Moved) -> Message:
    """What a stage change posts in the room: who moved it, from where to where."""
    text = _("{who}: {what}").format(who=mention(actor_id), what=escape(moved_notice(moved)))
    return Message(text=card_text(moved.card, notice=moved_notice(moved)), blocks=[section(text)])
