"""A deal's timeline: when, who, what, as lines grouped into sections Slack accepts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from slack_sdk.models.blocks import Block

from bot.core.slack_ids import is_user_id
from bot.deals.outcomes import DealHistory, HistoryEntry
from bot.views import limits
from bot.views.blocks import context, header, section
from bot.views.counts import counted
from bot.views.edits import edit_history_line
from bot.views.message import Message
from bot.views.mrkdwn import clip, escape, escape_keeping_mentions, mention
from flows.i18n import _
from storage.models import EventKind

LINE_LIMIT = 600  # one event never crowds out the others


def history_message(history: DealHistory) -> Message:
    title = _("History of {name} (deal #{id})").format(name=history.name, id=history.deal_id)
    lines = [entry_line(entry) for entry in history.entries]
    if not lines:
        return Message(text=title, blocks=[header(title), section(_("Nothing recorded yet."))])
    chunks = group_lines(lines, limit=limits.SECTION_TEXT)
    room = limits.MESSAGE_BLOCKS - 2  # the header and the "earlier entries" note
    shown, hidden = chunks[-room:], chunks[:-room]  # the latest entries matter most
    blocks: list[Block] = [header(title)]
    if hidden:
        left_out = sum(len(chunk) for chunk in hidden)
        blocks.append(
            context(
                counted(
                    left_out,
                    "{count} earlier entry not shown",
                    "{count} earlier entries not shown",
                )
            )
        )
    blocks += [section("\n".join(chunk)) for chunk in shown]
    entries = counted(len(lines), "{count} entry", "{count} entries")
    summary = _("{title}: {entries}").format(title=title, entries=entries)
    return Message(text=summary, blocks=blocks)


def group_lines(lines: list[str], *, limit: int, line_limit: int = LINE_LIMIT) -> list[list[str]]:
    """Consecutive lines grouped so that each group, joined by newlines, fits in `limit`;
    a line longer than `line_limit` is clipped (pass a larger one for lines of mentions,
    which must never be cut inside one)."""
    chunks: list[list[str]] = []
    size = 0
    for line in lines:
        line = clip(line, min(limit, line_limit))
        if chunks and size + 1 + len(line) <= limit:
            chunks[-1].append(line)
            size += 1 + len(line)
        else:
            chunks.append([line])
            size = len(line)
    return chunks


def entry_line(entry: HistoryEntry) -> str:
    event = entry.event
    what = WHAT.get(event.kind, _what_else)(entry)
    # `stagecoach maps migrate` without --by records the app itself, not a Slack user.
    who = mention(event.actor_id) if is_user_id(event.actor_id) else escape(event.actor_id)
    return f"{when(event.at)} {who} {what}"


def when(at: dt.datetime) -> str:
    """Slack shows the date in the reader's time zone; the fallback is UTC."""
    stamp = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    fallback = stamp.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(stamp.timestamp())}^{{date_short}} {{time}}|{fallback}> ·"


def _names(entry: HistoryEntry) -> dict[str, str]:
    return {
        "source": escape(entry.from_name or "?"),
        "dest": escape(entry.to_name or "?"),
        "item": escape(entry.item_text or entry.event.item_id or "?"),
        "reason": escape(entry.event.reason or ""),
        # A tick's value may be a person's evidence, a mention: shown as their name.
        "value": escape_keeping_mentions(entry.event.value or ""),
    }


def _created(entry: HistoryEntry) -> str:
    return _("created the deal in {dest}").format(**_names(entry))


def _ticked(entry: HistoryEntry) -> str:
    names = _names(entry)
    text = _("ticked “{item}”").format(**names)
    return f"{text}: {names['value']}" if entry.event.value else text


def _unticked(entry: HistoryEntry) -> str:
    return _("unticked “{item}”").format(**_names(entry))


def _validated(entry: HistoryEntry) -> str:
    return _("validated “{item}”").format(**_names(entry))


def _sent_back(entry: HistoryEntry) -> str:
    names = _names(entry)
    return _("sent back “{item}”: {value}").format(**names)


def _approval_asked(entry: HistoryEntry) -> str:
    return _("asked for approval of “{item}” (by {reason})").format(**_names(entry))


def _approved(entry: HistoryEntry) -> str:
    return _("approved “{item}”").format(**_names(entry))


def _rejected(entry: HistoryEntry) -> str:
    return _("rejected “{item}”: {reason}").format(**_names(entry))


def _withdrawn(entry: HistoryEntry) -> str:
    return _("withdrew the approval request for “{item}”").format(**_names(entry))


def _advanced(entry: HistoryEntry) -> str:
    return _("advanced {source} → {dest}").format(**_names(entry))


def _overridden(entry: HistoryEntry) -> str:
    text = _("overrode the gate {source} → {dest}: {reason}").format(**_names(entry))
    skipped = entry.item_text or entry.event.value  # the skipped items' texts, else their ids
    if not skipped:
        return text
    return f"{text} " + _("(skipped: {items})").format(items=escape(skipped))


def _branched(entry: HistoryEntry) -> str:
    names = _names(entry)
    action = entry.event.action
    if action == "nurture":
        return _("moved to nurture from {source} until {value}").format(**names)
    if action == "disqualify":
        return _("disqualified from {source}: {reason}").format(**names)
    return _("marked lost from {source}: {reason}").format(**names)


def _reopened(entry: HistoryEntry) -> str:
    return _("reopened {source} → {dest}").format(**_names(entry))


def _objection(entry: HistoryEntry) -> str:
    return _("heard an objection: “{reason}”").format(**_names(entry))


def _bound(entry: HistoryEntry) -> str:
    channel = entry.event.value
    if not channel:
        return _("bound the deal to a channel")
    return _("bound the deal to {channel}").format(channel=f"<#{channel}>")


def _migrated(entry: HistoryEntry) -> str:
    moved = entry.migration
    if moved is None:
        return _what_else(entry)
    names = _names(entry)
    if entry.event.to_stage:
        text = _("moved the deal to version {v} of the map: {source} → {dest}").format(v=moved.to_version, **names)  # fmt: skip
    else:
        text = _("moved the deal to version {v} of the map, still in {source}").format(v=moved.to_version, **names)  # fmt: skip
    parts = [counted(moved.carried, "{count} tick carried over", "{count} ticks carried over")]
    if moved.opened:
        parts.append(_("now to do: {items}").format(items=escape("; ".join(moved.opened))))
    if moved.reset:
        parts.append(_("to tick again with the value now asked: {items}").format(items=escape("; ".join(moved.reset))))  # fmt: skip
    if moved.dropped:
        parts.append(_("no longer on the checklist: {items}").format(items=escape("; ".join(moved.dropped))))  # fmt: skip
    return f"{text} ({'; '.join(parts)})"


def _unbound(entry: HistoryEntry) -> str:
    return _("unbound the deal from its channel")


def _updated(entry: HistoryEntry) -> str:
    edit = edit_history_line(entry.event.action, entry.event.value)
    return edit if edit is not None else _what_else(entry)


def _handoff_accepted(entry: HistoryEntry) -> str:
    return _("accepted the handoff: holds {dest} for its team").format(**_names(entry))


def _feedback(entry: HistoryEntry) -> str:
    """Feedback recorded as a deal's event (older versions did); the map's feedback now."""
    detail = entry.event.reason or entry.event.value
    if not detail:
        return _("gave feedback on the map")
    return _("gave feedback on the map: {text}").format(text=escape(detail))


def _what_else(entry: HistoryEntry) -> str:
    """Updates not written by an edit, and kinds added later: say what is known."""
    detail = entry.event.reason or entry.event.value
    kind = str(entry.event.kind)
    return f"{kind}: {escape(detail)}" if detail else kind


WHAT: dict[EventKind, Callable[[HistoryEntry], str]] = {
    EventKind.CREATED: _created,
    EventKind.FEEDBACK: _feedback,
    EventKind.TICKED: _ticked,
    EventKind.UNTICKED: _unticked,
    EventKind.VALIDATED: _validated,
    EventKind.SENT_BACK: _sent_back,
    EventKind.APPROVAL_ASKED: _approval_asked,
    EventKind.APPROVED: _approved,
    EventKind.REJECTED: _rejected,
    EventKind.WITHDRAWN: _withdrawn,
    EventKind.ADVANCED: _advanced,
    EventKind.OVERRIDDEN: _overridden,
    EventKind.BRANCHED: _branched,
    EventKind.REOPENED: _reopened,
    EventKind.OBJECTION: _objection,
    EventKind.BOUND: _bound,
    EventKind.UNBOUND: _unbound,
    EventKind.UPDATED: _updated,
    EventKind.MIGRATED: _migrated,
    EventKind.HANDOFF_ACCEPTED: _handoff_accepted,
}
