"""`/deal digest subscribe | unsubscribe | list` answers: the channels that get a digest,
and what a change did."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.digests.content import DigestSubscriptions, SubscriptionLine
from bot.views.blocks import context, section
from bot.views.counts import counted
from bot.views.digest import scope_text
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, escape, mention
from bot.views.plain import from_mrkdwn
from flows.i18n import _

MAX_SUBSCRIPTIONS = 40
LINES_PER_SECTION = 20  # of about 120 characters: within a section's 3000


def subscriptions_message(listing: DigestSubscriptions) -> Message:
    notice = change_notice(listing)
    blocks: list[Block] = [section(notice)] if notice else []
    if not listing.subscriptions:
        empty = _("No channel gets a digest yet.")
        hint = _("Subscribe one: /deal digest subscribe #sales weekly 09:00 team")
        blocks += [section(empty), context(escape(hint))]
        return Message(text=from_mrkdwn(notice) if notice else empty, blocks=blocks)
    lines = [subscription_line(line) for line in listing.subscriptions[:MAX_SUBSCRIPTIONS]]
    more = len(listing.subscriptions) - len(lines)
    if more:
        lines.append(_("and {count} more").format(count=more))
    blocks.append(section(bold(_("Digests in this workspace"))))
    for start in range(0, len(lines), LINES_PER_SECTION):  # a section holds 3000 characters
        blocks.append(section(bullets(lines[start : start + LINES_PER_SECTION])))
    count = counted(len(listing.subscriptions), "{count} digest", "{count} digests")
    return Message(text=from_mrkdwn(notice) if notice else count, blocks=blocks)


def change_notice(listing: DigestSubscriptions) -> str | None:
    line = listing.changed
    if line is None:
        return None
    if listing.action == "unsubscribed":
        return ":white_check_mark: " + _("<#{channel}> gets no more digests.").format(
            channel=line.channel_id
        )
    said = _("<#{channel}> will get a {schedule} for {scope}.").format(
        channel=line.channel_id,
        schedule=schedule_text(line),
        scope=scope_text(line.scope, line.scope_user_id),
    )
    invite = _("If stagecoach is not in that channel yet, add it there: /invite @stagecoach")
    return f":white_check_mark: {said}\n{escape(invite)}"


def schedule_text(line: SubscriptionLine) -> str:
    """ "daily digest at 09:00 (Europe/Istanbul)"."""
    when = (
        _("daily digest at {time}")
        if line.frequency == "daily"
        else _("weekly digest, Mondays at {time}")
    )
    tz = line.tz or _("your Slack time zone")
    return f"{when.format(time=line.at_time)} ({escape(tz)})"


def subscription_line(line: SubscriptionLine) -> str:
    return " · ".join(
        [
            f"<#{line.channel_id}>",
            schedule_text(line),
            scope_text(line.scope, line.scope_user_id),
            _("set by {who}").format(who=mention(line.created_by)),
        ]
    )
