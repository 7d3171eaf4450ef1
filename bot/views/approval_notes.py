"""What a card says of its approval items (docs/approvals.md): under the checkbox, in
short, and beside the checklist with the people named: who it waits for, or who
rejected it and why."""

from __future__ import annotations

from bot.core.outcomes import ApprovalNote, DealCard
from bot.views import limits
from bot.views.mrkdwn import clip, escape
from flows.i18n import _


def waits_for_approval(card: DealCard, item_id: str) -> bool:
    note = card.approvals.get(item_id)
    return note is not None and note.waiting


def approval_short(note: ApprovalNote) -> str:
    """Under the checkbox (plain text, 75 characters: no mentions)."""
    if note.waiting:
        return "⏳ " + _("waiting for approval")
    return "✋ " + _("rejected: {reason}").format(reason=note.reason or "")


def approver_said(note: ApprovalNote) -> str:
    """Who was asked, as mrkdwn: the people or the channel, else the role the map names."""
    if note.asked:
        channel = note.approver.startswith("#")
        return ", ".join(f"<#{who}>" if channel else f"<@{who}>" for who in note.asked)
    return escape(note.approver)


def approvals_said(card: DealCard) -> str | None:
    """One line per approval item that waits or was rejected, with the people named."""
    lines = []
    for number, item in enumerate(card.stage.exit, start=1):
        note = card.approvals.get(item.id)
        if note is None or item.id in card.ticked:
            continue
        if note.waiting:
            said = "⏳ " + _("{number}. waiting for approval by {who}").format(
                number=number, who=approver_said(note)
            )
        else:
            said = "✋ " + _("{number}. rejected by {who}: {reason}").format(
                number=number, who=f"<@{note.by}>", reason=escape(note.reason or "")
            )
        lines.append(said)
    if not lines:
        return None
    # Escaped line by line (the reason is the only free text), so the mentions stay live.
    return clip("\n".join(lines), limits.CONTEXT_TEXT)
