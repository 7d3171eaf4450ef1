"""Feedback on the map as Slack shows it: the thanks its author gets, the owners' list,
the answer to closing an entry, the author's DM about it (several closed by one owner
within minutes are one DM: bot/slack/feedback_notices.py), and the digest's section."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.deals.feedback import (
    FeedbackClosed,
    FeedbackGiven,
    FeedbackLine,
    FeedbackList,
    StageSource,
    Status,
)
from bot.views.blocks import context, section
from bot.views.close_date import close_date_text
from bot.views.counts import counted
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, clip_escaped, escape, mention
from flows.i18n import N_, _

QUOTED = 600  # of an entry's text or note in a list line; a section holds 3,000 characters
# of an entry's text in the digest, whose one section holds bot.digests.content.FEEDBACK_LINES
IN_DIGEST = 150


def feedback_given_message(given: FeedbackGiven) -> Message:
    line = given.line
    text = _("Thanks: your feedback on the {map} map is recorded for its owners.").format(
        map=line.map_title
    )
    if line.stage_name and line.entry.stage_source is StageSource.NAMED:
        text += " " + _("It is number {number}, about {stage}.").format(
            number=line.entry.number, stage=line.stage_name
        )
    elif line.stage_name:
        text += " " + _("It is number {number}, about {stage}, where {deal} is.").format(
            number=line.entry.number, stage=line.stage_name, deal=line.deal_name or ""
        )
    else:
        text += " " + _("It is number {number}.").format(number=line.entry.number)
    hint = _("Managers and admins read it with /deal feedback list.")
    return Message(text=text, blocks=[section(escape(text)), context(escape(hint))])


def feedback_list_message(listed: FeedbackList) -> Message:
    title = {
        Status.OPEN: _("Open feedback on the map"),
        Status.DONE: _("Feedback marked done"),
        Status.ALL: _("All feedback on the map"),
    }[listed.status]
    count = counted(listed.total, "{count} entry", "{count} entries")
    if not listed.lines:
        empty = _("{title}: none.").format(title=title)
        return Message(text=empty, blocks=[section(escape(empty)), context(escape(_(_LIST_HINT)))])
    head = f"{title} ({count}, " + _("newest first") + ")"
    blocks: list[Block] = [section(bold(escape(head)))]
    blocks += [section(entry_text(line)) for line in listed.lines]
    more = listed.total - len(listed.lines)
    notes = [_(_LIST_HINT)]
    if more > 0:
        notes.insert(
            0, _("and {count} more: stagecoach feedback export has them all").format(count=more)
        )
    blocks.append(context(escape(" · ".join(notes))))
    return Message(text=head, blocks=blocks)


_LIST_HINT = N_(
    "/deal feedback list open|done|all · /deal feedback done <n> <note> marks one done and "
    "tells its author"
)


def feedback_closed_message(closed: FeedbackClosed) -> Message:
    entry = closed.line.entry
    text = _("Feedback {number} is marked done; <@{author}> is told.").format(
        number=entry.number, author=entry.author_id
    )
    return Message(text=text, blocks=[section(text), section(entry_text(closed.line))])


def feedback_done_notice(actor_id: str, lines: Sequence[FeedbackLine]) -> Message:
    """The author's DM: what they said, and what the owner did about it."""
    head = _("<@{actor}> marked your feedback on the map done:").format(actor=actor_id)
    items = [
        _("“{text}” → {note}").format(
            text=clip_escaped(line.entry.text, QUOTED),
            note=clip_escaped(line.entry.done_note or "", QUOTED),
        )
        for line in lines
    ]
    text = "\n".join([head, *items])
    return Message(text=text, blocks=[section(f"{head}\n{bullets(items)}")])


def entry_text(line: FeedbackLine, *, quoted: int = QUOTED, deal: bool = True) -> str:
    """ "*3.* “text” · @dana · 2 Mar 2026 · about Demo (from Acme (#1))", then how it was
    closed. `deal`: False leaves the deal out (the digest's short lines)."""
    entry = line.entry
    parts = [
        f"{bold(str(entry.number) + '.')} “{clip_escaped(entry.text, quoted)}”",
        mention(entry.author_id),
        close_date_text(entry.given_at.date()),
    ]
    where = where_text(line if deal else dataclasses.replace(line, deal_name=None))
    if where:
        parts.append(where)
    text = " · ".join(parts)
    if entry.done_at is not None:
        done = _("done by {who} on {date}: {note}").format(
            who=mention(entry.done_by or ""),
            date=close_date_text(entry.done_at.date()),
            note=clip_escaped(entry.done_note or "", QUOTED),
        )
        text += f"\n:white_check_mark: {done}"
    return text


def where_text(line: FeedbackLine) -> str:
    entry = line.entry
    deal = (
        _("from {deal} (#{id})").format(deal=bold(escape(line.deal_name)), id=entry.deal_id)
        if line.deal_name and entry.deal_id
        else ""
    )
    if line.stage_name and entry.stage_source is StageSource.NAMED:
        about = _("about {stage}").format(stage=bold(escape(line.stage_name)))
        return f"{about} ({deal})" if deal else about
    if line.stage_name and deal:
        return _("{deal} in {stage}").format(deal=deal, stage=bold(escape(line.stage_name)))
    if line.stage_name:
        return _("in {stage}").format(stage=bold(escape(line.stage_name)))
    return deal


def feedback_section(lines: Sequence[FeedbackLine], total: int) -> str:
    """The digest's section: the newest open entries, and how many are open in all."""
    title = ":memo: " + _("Open feedback on the map")
    shown = [entry_text(line, quoted=IN_DIGEST, deal=False) for line in lines]
    more = total - len(shown)
    if more > 0:
        shown.append(_("and {count} more: /deal feedback list").format(count=more))
    return f"{bold(title)} ({total})\n{bullets(shown)}"
