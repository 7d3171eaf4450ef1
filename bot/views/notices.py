"""What just happened to a deal, as one plain sentence on top of its card."""

from __future__ import annotations

from bot.core.local_formats import day_text
from bot.core.outcomes import DealCard
from bot.deals.evidence_values import example_for
from bot.deals.outcomes import Moved, Ticked
from flows.i18n import _, ngettext
from flows.machine import Move
from flows.schema import ExitItem, Stage


def item_numbers(stage: Stage, item_ids: list[str]) -> str:
    """ "2, 3" for the items as the checklist numbers them, in its order (a tick lists the
    new items before the changed values; ids the stage lacks stay ids, last)."""
    numbers = {item.id: n for n, item in enumerate(stage.exit, start=1)}
    ordered = sorted(item_ids, key=lambda item_id: numbers.get(item_id, len(numbers) + 1))
    return ", ".join(str(numbers[i]) if i in numbers else i for i in ordered)


def ticked_notice(ticked: Ticked) -> str:
    stage = ticked.card.stage
    parts = []
    if ticked.ticked:
        parts.append(_("Ticked {items}").format(items=item_numbers(stage, ticked.ticked)))
    if ticked.unticked:  # after a tick, in the same sentence; alone, it starts one
        unticked = _("unticked {items}") if parts else _("Unticked {items}")
        parts.append(unticked.format(items=item_numbers(stage, ticked.unticked)))
    if ticked.waiting and not parts:
        return _waiting(ticked)
    if not parts and (ticked.already_ticked or ticked.not_ticked):
        return "ℹ️ " + _unchanged(ticked)  # nothing changed: no ✅, and no "saved"
    parts += _already(ticked)
    asked = _approvals(ticked)
    if asked and not parts and not ticked.waiting:
        return asked
    said = "; ".join(parts) or _("Checklist saved")
    text = f"✅ {said}. {_ready(ticked.card)}".rstrip()
    if asked:
        text += " " + asked
    if ticked.to_validate:
        text += " " + _validation_asked(stage, ticked)
    return f"{text} {_waiting(ticked)}" if ticked.waiting else text


def _approvals(ticked: Ticked) -> str:
    """What became of the approval items: asked for, still waiting, withdrawn."""
    stage, said = ticked.card.stage, []
    reachable = [a.item_id for a in ticked.approvals if a.asked]
    unreachable = [a.item_id for a in ticked.approvals if not a.asked]
    if reachable:
        said.append(
            "📨 "
            + _("Asked for approval of {items}: it counts once approved.").format(
                items=item_numbers(stage, reachable)
            )
        )
    if unreachable:
        said.append(
            "⚠️ "
            + _(
                "{items} needs an approval no one can give: an admin names the deal owner's "
                "manager with /deal team, or the map's approver is you or the owner."
            ).format(items=item_numbers(stage, unreachable))
        )
    if ticked.approval_waits:
        said.append(
            "⏳ "
            + _("{items} already waits for approval.").format(
                items=item_numbers(stage, ticked.approval_waits)
            )
        )
    if ticked.withdrawn:
        said.append(
            "↩️ "
            + _("Withdrew the approval request for {items}.").format(
                items=item_numbers(stage, ticked.withdrawn)
            )
        )
    return " ".join(said)


def _unchanged(ticked: Ticked) -> str:
    """ "Nothing to untick: 3 was not ticked." for a tick or an untick that changed nothing."""
    said = "; ".join(_already(ticked))
    if ticked.not_ticked and not ticked.already_ticked:
        return _("Nothing to untick: {said}.").format(said=said)
    if ticked.already_ticked and not ticked.not_ticked:
        return _("Nothing to tick: {said}.").format(said=said)
    return _("Nothing changed: {said}.").format(said=said)


def _already(ticked: Ticked) -> list[str]:
    stage, said = ticked.card.stage, []
    if ticked.already_ticked:
        said.append(
            ngettext(
                "{items} was already ticked",
                "{items} were already ticked",
                len(ticked.already_ticked),
            ).format(items=item_numbers(stage, ticked.already_ticked))
        )
    if ticked.not_ticked:
        said.append(
            ngettext(
                "{items} was not ticked", "{items} were not ticked", len(ticked.not_ticked)
            ).format(items=item_numbers(stage, ticked.not_ticked))
        )
    return said


def _validation_asked(stage: Stage, ticked: Ticked) -> str:
    items = item_numbers(stage, ticked.to_validate)
    if ticked.validators:
        return "⏳ " + _("Waiting for a manager's validation: {items}.").format(items=items)
    return "⚠️ " + _(
        "{items} waits for a manager's validation, and no one can give it: an admin names "
        "your manager with /deal team, or lists admins in STAGECOACH_ADMINS."
    ).format(items=items)


def _waiting(ticked: Ticked) -> str:
    """Items asked to be ticked that wait for their evidence, and how to give it (the
    deal named: in a channel bound to another deal, the current deal is that one)."""
    card, asks = ticked.card, []
    for number, item in enumerate(card.stage.exit, start=1):
        if item.id in ticked.waiting and item.evidence is not None:
            asks.append(
                _(
                    "{number} counts as ticked once its evidence is in ({prompt}): fill in "
                    'the form, or /deal tick #{deal} {number}="{example}"'
                ).format(
                    number=number,
                    prompt=item.evidence.prompt,
                    deal=card.deal_id,
                    example=example_for(item.evidence),
                )
            )
    return "📝 " + "; ".join(asks) + "."


def _ready(card: DealCard) -> str:
    following = card.next_stage
    if card.can_advance and following is not None:
        return _("Every required item is done: ready to advance to {stage}.").format(
            stage=following.name
        )
    return ""


def created_notice(card: DealCard) -> str:
    return "✨ " + _("Created {name} in {stage}").format(name=card.name, stage=card.stage.name)


def moved_notice(moved: Moved) -> str:
    names = {"source": moved.from_stage.name, "dest": moved.card.stage.name}
    if moved.move is Move.NURTURE and moved.card.nurture_until:
        # one sentence: Turkish puts the date before the verb
        text = "🌱 " + _("Moved from {source} to {dest} until {date}").format(
            **names, date=day_text(moved.card.nurture_until)
        )
    else:
        text = _moved_templates()[moved.move].format(**names)
    if moved.move in (Move.LOSE, Move.DISQUALIFY) and moved.reason:
        text += ": " + moved.reason
    if moved.move is Move.OVERRIDE:
        text += _overridden(moved)
    if moved.card.stage.won and moved.move in (Move.ADVANCE, Move.OVERRIDE):
        text = "🎉 " + _("Won!") + " " + text
    return text + _handed_over(moved)


def _handed_over(moved: Moved) -> str:
    """A move into another team's stage says where it went (docs/handoffs.md)."""
    team = moved.card.stage.owner
    if moved.handoff_id is not None:
        return " · " + _("handed to {team}: waiting for them to accept").format(team=team)
    if moved.card.handoff == "no_channel" and team.casefold() != moved.from_stage.owner.casefold():
        return " · " + _("{team} has no channel yet: /deal owners set {team} #channel").format(
            team=team
        )
    return ""


def _overridden(moved: Moved) -> str:
    text = ": " + moved.reason if moved.reason else ""
    if moved.skipped:
        text += " " + _("(skipped {items})").format(items=_skipped(moved.from_stage, moved.skipped))
    return text


def _skipped(stage: Stage, items: list[ExitItem]) -> str:
    numbers = {item.id: n for n, item in enumerate(stage.exit, start=1)}
    return "; ".join(f"{numbers.get(item.id, '?')}. {item.text}" for item in items)


def _moved_templates() -> dict[Move, str]:
    # Built per call, not at import: the translation is looked up when the text is shown.
    return {
        Move.ADVANCE: "✅ " + _("Moved from {source} to {dest}"),
        Move.OVERRIDE: "⏭️ " + _("Gate overridden: moved from {source} to {dest}"),
        Move.LOSE: "⛔ " + _("Marked lost at {source}"),
        Move.DISQUALIFY: "🚫 " + _("Disqualified at {source}"),
        Move.NURTURE: "🌱 " + _("Moved from {source} to {dest}"),
        Move.REOPEN: "🔄 " + _("Reopened from {source} to {dest}"),
    }
