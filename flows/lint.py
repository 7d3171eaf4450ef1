"""Lint a process map for the mistakes the source article warns against.

A map that loads is valid; a map that lints clean is also usable: specific steps, short
checklists, every stage reachable and every deal able to finish, objections prepared where
buyers raise them. Findings are warnings located like load errors (file:line:column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath

from flows.i18n import N_, _
from flows.loader import parse_map
from flows.problems import Path, Problem, Severity
from flows.reachability import reachable, successors, trapped_stage_ids
from flows.schema import ProcessMap, Stage, StageKind
from flows.wording import vagueness
from flows.yaml_positions import PositionedYaml, load_positioned

MAX_ITEMS = 7  # the source: checklists people actually use stay short
MIN_PLAYBOOK = 2  # pre-win stages are where buyers object

Finding = tuple[Path, str, str]  # path, message, hint
Check = Callable[[ProcessMap], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One lint rule: its name (shown as [name] after a warning), what it checks, the check."""

    name: str
    summary: str  # English (N_): translate with _ where it is shown
    check: Check


def lint_file(path: str | FilePath) -> list[Problem]:
    """Load and lint a map file; raises MapError when it does not load."""
    file = FilePath(path)
    return lint_text(file.read_text(encoding="utf-8"), file=str(file))


def lint_text(text: str, *, file: str = "<map>") -> list[Problem]:
    """Load and lint YAML text; raises MapError when it does not load."""
    process_map = parse_map(text, file=file)
    return lint_map(process_map, file=file, positions=load_positioned(text))


def lint_map(
    process_map: ProcessMap, *, file: str, positions: PositionedYaml | None = None
) -> list[Problem]:
    """Every warning for a loaded map, in file order. Without positions, lines read 0:0."""
    problems = [
        _problem(rule, finding, file=file, positions=positions)
        for rule in RULES
        for finding in rule.check(process_map)
    ]
    return sorted(problems, key=lambda p: (p.line, p.column, p.rule))


def _problem(
    rule: Rule, finding: Finding, *, file: str, positions: PositionedYaml | None
) -> Problem:
    path, message, hint = finding
    line, column = positions.position(path) if positions else (0, 0)
    return Problem(
        file=file,
        line=line,
        column=column,
        path=path,
        message=message,
        hint=hint,
        severity=Severity.WARNING,
        rule=rule.name,
    )


# -- the rules -------------------------------------------------------------------------------


def _vague_items(process_map: ProcessMap) -> Iterator[Finding]:
    for index, stage in enumerate(process_map.stages):
        for position, item in enumerate(stage.exit):
            found = vagueness(item.text, locale=process_map.locale)
            if found:
                path = ("stages", index, "exit", position, "text")
                yield path, _("exit item: {reason}").format(reason=found.reason), found.hint


def _vague_activities(process_map: ProcessMap) -> Iterator[Finding]:
    for index, stage in enumerate(process_map.stages):
        for position, activity in enumerate(stage.activities):
            found = vagueness(activity, locale=process_map.locale)
            if found:
                path = ("stages", index, "activities", position)
                yield path, _("activity: {reason}").format(reason=found.reason), found.hint


def _too_many_items(process_map: ProcessMap) -> Iterator[Finding]:
    for index, stage in enumerate(process_map.stages):
        if len(stage.exit) > MAX_ITEMS:
            yield (
                ("stages", index, "exit"),
                _("{count} exit items; more than {most} and reps stop reading").format(
                    count=len(stage.exit), most=MAX_ITEMS
                ),
                _(
                    "keep the items that decide whether the deal may move on; merge or drop the rest"
                ),
            )


def _no_exit_criteria(process_map: ProcessMap) -> Iterator[Finding]:
    for index, stage in enumerate(process_map.stages):
        if process_map.next_stage_id(stage) and not stage.exit:
            yield (
                ("stages", index, "exit"),
                _("stage '{id}' has no exit criteria: any deal may advance at once").format(
                    id=stage.id
                ),
                _("add the checklist a deal must complete before it leaves this stage"),
            )


def _unreachable(process_map: ProcessMap) -> Iterator[Finding]:
    seen = reachable(successors(process_map), start=[process_map.first_stage.id])
    for index, stage in enumerate(process_map.stages):
        if stage.id not in seen:
            yield (
                ("stages", index, "id"),
                _("stage '{id}' cannot be reached from the first stage '{first}'").format(
                    id=stage.id, first=process_map.first_stage.id
                ),
                _unreachable_hint(stage),
            )


def _unreachable_hint(stage: Stage) -> str:
    if stage.is_open:
        return _("point a 'next' or a 'reopen' at it, or remove it")
    branch = {
        StageKind.LOST: "lose",
        StageKind.DISQUALIFIED: "disqualify",
        StageKind.NURTURE: "nurture",
    }[stage.kind]
    return _("add '{branch}' to the branches of the stages that lead here, or remove it").format(
        branch=branch
    )


def _dead_ends(process_map: ProcessMap) -> Iterator[Finding]:
    trapped = trapped_stage_ids(process_map)
    graph = successors(process_map)
    for index, stage in enumerate(process_map.stages):
        if stage.id in trapped:
            yield _dead_end(index, stage, way_out=bool(graph[stage.id]))


def _dead_end(index: int, stage: Stage, *, way_out: bool) -> Finding:
    if stage.kind is StageKind.NURTURE and not stage.reopen:
        return (
            ("stages", index, "reopen"),
            _("nurture stage '{id}' has no reopen: nurtured deals can never come back").format(
                id=stage.id
            ),
            _("add 'reopen' with the stage a re-engaged deal returns to"),
        )
    if not way_out:
        message = _("stage '{id}' is a dead end: a deal here has no way out")
    else:
        message = _("no path from stage '{id}' reaches the win, a loss or the end of the map")
    return (
        ("stages", index, "id"),
        message.format(id=stage.id),
        _("check 'next' and 'reopen' for a loop, or add a 'lose' branch"),
    )


def _thin_playbook(process_map: ProcessMap) -> Iterator[Finding]:
    main = [stage.id for stage in process_map.open_stages]
    won_at = main.index(process_map.won_stage.id)
    for index, stage in enumerate(process_map.stages):
        if stage.is_open and main.index(stage.id) < won_at and len(stage.playbook) < MIN_PLAYBOOK:
            yield (
                ("stages", index, "playbook"),
                _("stage '{id}' has {count} playbook entries; buyers object before the win").format(
                    id=stage.id, count=len(stage.playbook)
                ),
                _("add at least {least} objections reps hear here, with how to answer them").format(
                    least=MIN_PLAYBOOK
                ),
            )


def _idle_handoff_sla(process_map: ProcessMap) -> Iterator[Finding]:
    """An SLA on a stage no move enters from a stage of another owner never starts."""
    graph = successors(process_map)
    owner = {stage.id: stage.owner.casefold() for stage in process_map.stages}
    handed = {
        dest for source, dests in graph.items() for dest in dests if owner[source] != owner[dest]
    }
    for index, stage in enumerate(process_map.stages):
        if stage.handoff_sla_hours is not None and stage.id not in handed:
            yield (
                ("stages", index, "handoff_sla_hours"),
                _(
                    "stage '{id}' has a handoff SLA, but no move hands a deal to it from another owner"
                ).format(id=stage.id),
                _("put handoff_sla_hours on the stage where the owner changes, or remove it"),
            )


RULES: tuple[Rule, ...] = (
    Rule("vague-item", N_("exit item not an instruction: no action verb, vague, too short"), _vague_items),
    Rule("vague-activity", N_("activity not an instruction: no action verb, vague, too short"), _vague_activities),
    Rule("too-many-items", N_("more than 7 exit items in a stage"), _too_many_items),
    Rule("no-exit-criteria", N_("an open stage that advances has no exit items"), _no_exit_criteria),
    Rule("unreachable-stage", N_("no path from the first stage leads to this stage"), _unreachable),
    Rule("dead-end", N_("a deal in this stage can never reach the win, a loss or the end"), _dead_ends),
    Rule("idle-handoff-sla", N_("a handoff SLA on a stage no other owner hands deals to"), _idle_handoff_sla),
    Rule("thin-playbook", N_("an open stage before the win has fewer than 2 objections"), _thin_playbook),
)  # fmt: skip
