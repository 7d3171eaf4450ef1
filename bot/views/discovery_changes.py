"""`stagecoach discover --propose`: each proposed map change with its one reason and its
diff (pure: a function of the report and the edited map)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.local_formats import percent_text
from bot.reporting.discovery.map_edits import EditedChange, ProposedMap
from bot.reporting.discovery.proposals import ChangeKind, ProposedChange
from bot.reporting.discovery.report import ItemOverridden, Move, StageSkip, StageTime
from bot.views.discovery_words import days, item_name, moves, share_of, stage_name
from flows.i18n import _
from flows.schema import ProcessMap

DIFF_INDENT = "     "
REMOVED_SHOWN = 6


def changes_text(process_map: ProcessMap, proposed: ProposedMap, *, written_to: str | None) -> str:
    if not proposed.changes:
        return _("Nothing to propose: the history supports no change to this map.") + "\n"
    lines = [
        _("Proposed changes to map {id} (version {version}), one reason each:").format(
            id=process_map.id, version=process_map.version
        ),
        "",
    ]
    for number, edited in enumerate(proposed.changes, 1):
        lines += _change_lines(process_map, number, edited)
    lines.append(_footer(written_to))
    return "\n".join(lines) + "\n"


def _change_lines(process_map: ProcessMap, number: int, edited: EditedChange) -> list[str]:
    change = edited.change
    summary, reason = change_words(process_map, change)
    if edited.left_out:
        names = ", ".join(item_name(process_map, str(change.stage), i) for i in edited.left_out)
        reason += " " + _(
            "Left out (no room, or an item of that id already there): {items}."
        ).format(items=names)
    lines = [f"{number}. {summary}", "   " + _("Why: {reason}").format(reason=reason)]
    if change.related_feedback:
        lines.append("   " + _("Feedback on this stage:"))
        lines += [f"     - {text}" for text in change.related_feedback]
    lines += [DIFF_INDENT + line for line in condensed(edited.diff)]
    return [*lines, ""]


def condensed(diff: tuple[str, ...]) -> list[str]:
    """The diff with each long run of removed lines cut to its first few (a removed stage
    is dozens of lines a reviewer recognises from its id)."""
    shown: list[str] = []
    run: list[str] = []
    for line in (*diff, ""):
        if line.startswith("-"):
            run.append(line)
            continue
        if len(run) > REMOVED_SHOWN + 1:
            more = len(run) - REMOVED_SHOWN
            run = [
                *run[:REMOVED_SHOWN],
                "-  " + _("… {count} more lines removed").format(count=more),
            ]
        shown += run
        run = []
        shown.append(line)
    return shown[:-1]


def change_words(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    """The change in a few words, and its one reason."""
    return _WORDS[change.kind](process_map, change)


def _footer(written_to: str | None) -> str:
    if written_to is None:
        return _("Nothing was written or applied. Add -o FILE to write the new version for review.")
    return _(
        "Written to {file}; nothing was applied. Review it, check it with "
        "`stagecoach maps lint {file}`, and publish it yourself."
    ).format(file=written_to)


def _version(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    old = process_map.version
    return (
        _("version {old} → {new}").format(old=old, new=change.value),
        _(
            "a changed map is a new version: open deals stay on version {old} until they are "
            "moved with `stagecoach maps migrate`."
        ).format(old=old),
    )


def _target(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    time = change.basis
    assert isinstance(time, StageTime)
    stays, name = time.stays, stage_name(process_map, time.stage)
    summary = _("{stage}: target_days {old} → {new}").format(
        stage=name, old=time.target_days, new=change.value
    )
    if stays.median is not None and time.target_days and stays.median > time.target_days:
        reason = _(
            "the median stay is {median} days against a target of {old} ({share} stays took "
            "longer); the new target is the measured p75, {p75} days."
        )
    else:
        reason = _(
            "nine stays in ten end within {p90} days, under half the target of {old}; the new "
            "target is the measured p75, {p75} days ({share} stays took longer than {old})."
        )
    return summary, reason.format(
        median=days(stays.median),
        old=time.target_days,
        p75=days(stays.p75),
        p90=days(stays.p90),
        share=share_of(stays.over_target, stays.count),
    )


def _optional(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    item = change.basis
    assert isinstance(item, ItemOverridden)
    name = stage_name(process_map, item.stage)
    return (
        _("{stage}: {item} becomes optional").format(
            stage=name, item=item_name(process_map, item.stage, item.item)
        ),
        _(
            "it was open when a manager overrode the gate in {share} won deals whose way "
            "through {stage} was recorded: the team wins without it."
        ).format(share=share_of(item.won_overridden, item.won_recorded), stage=name),
    )


def _edge(process_map: ProcessMap, change: ProposedChange, summary: str) -> tuple[str, str]:
    move = change.basis
    assert isinstance(move, Move)
    source = stage_name(process_map, move.edge.source)
    reason = _(
        "{moves} went from {source} to {dest} ({share} of the moves out of {source}), a way "
        "the map does not have."
    ).format(
        moves=moves(move.edge.count),
        source=source,
        dest=stage_name(process_map, move.edge.dest),
        share=percent_text(move.share or 0.0),
    )
    dest = stage_name(process_map, move.edge.dest)
    return summary.format(stage=source, value=change.value, dest=dest), reason


def _branch(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    return _edge(process_map, change, _("{stage}: add the branch '{value}'"))


def _reopen(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    return _edge(process_map, change, _("{stage}: may reopen to {dest}"))


def _merge(process_map: ProcessMap, change: ProposedChange) -> tuple[str, str]:
    skip = change.basis
    assert isinstance(skip, StageSkip)
    name, into = stage_name(process_map, skip.stage), stage_name(process_map, str(change.value))
    return (
        _("{stage} merged into {into}").format(stage=name, into=into),
        _(
            "deals went around it in {share} of the moves that passed it; its checklist comes "
            "along as optional items, and open deals in it move with `stagecoach maps "
            "migrate` and a mapping {id} → {into_id}."
        ).format(
            share=share_of(skip.around, skip.around + skip.through),
            id=skip.stage,
            into_id=change.value,
        ),
    )


_WORDS: dict[ChangeKind, Callable[[ProcessMap, ProposedChange], tuple[str, str]]] = {
    ChangeKind.VERSION: _version,
    ChangeKind.TARGET_DAYS: _target,
    ChangeKind.OPTIONAL_ITEM: _optional,
    ChangeKind.ADD_BRANCH: _branch,
    ChangeKind.ADD_REOPEN: _reopen,
    ChangeKind.MERGE_STAGE: _merge,
}
