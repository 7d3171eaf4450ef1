"""Objection playbook entries: the objection as the buyer says it, then how to handle it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.deals.outcomes import ObjectionNoted, Playbook
from bot.views.blocks import context, divider, header, section
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, escape, quote
from flows.i18n import _
from flows.schema import PlaybookEntry, Stage

MAX_ENTRIES = 10  # four blocks each with the divider: within a message's 50


def entry_blocks(
    stage: Stage, entry: PlaybookEntry, *, deal_stage: str | None = None
) -> list[Block]:
    """`deal_stage`: the stage the deal asked about is in; an answer from it says so."""
    heading = f"{quote(bold(escape(entry.objection)))}"
    about = (
        _("{category} · heard in {stage}, this deal's stage")
        if stage.id == deal_stage
        else _("{category} · heard in {stage}")
    ).format(category=escape(entry.category), stage=escape(stage.name))
    return [section(heading), context(about), section(_answer(entry))]


def _answer(entry: PlaybookEntry) -> str:
    parts = [
        f"{bold(_('Ask first'))}\n{bullets(escape(q) for q in entry.explore)}",
        f"{bold(_('Answer'))}\n{escape(entry.response)}",
    ]
    if entry.proof:
        parts.append(f"{bold(_('Proof'))}\n{escape(entry.proof)}")
    parts.append(f"{bold(_('Next step'))}\n{escape(entry.next_step)}")
    return "\n".join(parts)


def playbook_message(playbook: Playbook) -> Message:
    title = _playbook_title(playbook)
    blocks: list[Block] = [header(title)]
    if playbook.deal_name:
        blocks.append(context(_("for {deal}").format(deal=escape(playbook.deal_name))))
    if not playbook.entries:
        blocks.append(section(_("No objections are written down for this stage yet.")))
        blocks.append(
            context(escape(_("Heard one? Try: /deal feedback <the objection and what worked>")))
        )
        return Message(text=title, blocks=blocks)
    shown = playbook.entries[:MAX_ENTRIES]
    for index, (stage, entry) in enumerate(shown):
        blocks += ([divider()] if index else []) + entry_blocks(
            stage, entry, deal_stage=playbook.deal_stage
        )
    if len(playbook.entries) > len(shown):
        more = len(playbook.entries) - len(shown)
        hint = _("and {count} more: narrow it with /deal playbook <words>").format(count=more)
        blocks.append(context(escape(hint)))
    first = shown[0][1].objection
    return Message(text=f"{title}: “{first}”", blocks=blocks)


def _playbook_title(playbook: Playbook) -> str:
    if playbook.query:
        return _("Playbook: “{query}”").format(query=playbook.query)
    if playbook.stage is not None:
        return _("Playbook · {stage}").format(stage=playbook.stage.name)
    return _("Playbook")


def objection_message(noted: ObjectionNoted) -> Message:
    said = _("Noted on {deal}: “{text}”").format(deal=noted.deal_name, text=noted.text)
    blocks: list[Block] = [section(f":memo: {escape(said)}")]
    if not noted.matches:
        blocks.append(
            context(_("No playbook answer matches yet; tell the map owners with /deal feedback."))
        )
        return Message(text=said, blocks=blocks)
    stage, entry = noted.matches[0]
    blocks += [context(_("Best answer from the playbook:")), *entry_blocks(stage, entry)]
    return Message(text=f"{said} — {entry.next_step}", blocks=blocks)
