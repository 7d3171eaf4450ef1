"""Checks that span fields: ids, references between stages, the won stage, branches.

These run on the raw YAML data, so they still report what they can when other fields
have type errors: a map with five mistakes gets five messages in one run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from flows.i18n import _
from flows.problems import Path
from flows.schema import BRANCH_TARGET_KIND, StageKind

Finding = tuple[Path, str, str]  # path, message, hint
SIDE_KINDS = {kind.value for kind in StageKind if kind is not StageKind.OPEN}


def cross_check(data: Any) -> list[Finding]:
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        return []
    stages = [(index, s) for index, s in enumerate(data["stages"]) if isinstance(s, dict)]
    checks = (
        _duplicate_stage_ids(stages),
        _duplicate_child_ids(stages, "exit"),
        _duplicate_playbook_ids(stages),
        _references(stages),
        _won(stages),
        _branches(stages, data),
        _side_kinds(stages),
    )
    return [finding for check in checks for finding in check]


def _stage_ids(stages: list[tuple[int, dict[str, Any]]]) -> dict[str, str]:
    return {
        s["id"]: str(s.get("kind", "open")) for _index, s in stages if isinstance(s.get("id"), str)
    }


def _duplicate_stage_ids(stages: list[tuple[int, dict[str, Any]]]) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, stage in stages:
        stage_id = stage.get("id")
        if isinstance(stage_id, str) and stage_id in seen:
            yield (
                ("stages", index, "id"),
                _("duplicate stage id '{id}'").format(id=stage_id),
                _("every stage needs its own id"),
            )
        seen.add(stage_id) if isinstance(stage_id, str) else None


def _duplicate_child_ids(stages: list[tuple[int, dict[str, Any]]], field: str) -> Iterator[Finding]:
    for index, stage in stages:
        children = stage.get(field)
        if not isinstance(children, list):
            continue
        counts: Counter[str] = Counter()
        for position, child in enumerate(children):
            child_id = child.get("id") if isinstance(child, dict) else None
            if isinstance(child_id, str):
                counts[child_id] += 1
                if counts[child_id] == 2:
                    yield (
                        ("stages", index, field, position, "id"),
                        _("duplicate {field} id '{id}' in this stage").format(
                            field=field, id=child_id
                        ),
                        _("ids must be unique within a stage's {field} list").format(field=field),
                    )


def _duplicate_playbook_ids(stages: list[tuple[int, dict[str, Any]]]) -> Iterator[Finding]:
    # Playbook ids are unique across the whole map: `/deal playbook` finds entries across stages.
    seen: set[str] = set()
    for index, stage in stages:
        entries = stage.get("playbook")
        for position, entry in enumerate(entries if isinstance(entries, list) else []):
            entry_id = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(entry_id, str) and entry_id in seen:
                yield (
                    ("stages", index, "playbook", position, "id"),
                    _("duplicate playbook id '{id}'").format(id=entry_id),
                    _("playbook ids must be unique across the map"),
                )
            if isinstance(entry_id, str):
                seen.add(entry_id)


def _references(stages: list[tuple[int, dict[str, Any]]]) -> Iterator[Finding]:
    known = _stage_ids(stages)
    open_ids = sorted(stage_id for stage_id, kind in known.items() if kind == "open")
    allowed = _("one of the open stages: ") + ", ".join(open_ids)
    for index, stage in stages:
        target = stage.get("next")
        if isinstance(target, str) and known.get(target) != "open":
            yield (("stages", index, "next"), _unknown(target, known), allowed)
        targets = stage.get("reopen")
        for position, target in enumerate(targets if isinstance(targets, list) else []):
            if isinstance(target, str) and known.get(target) != "open":
                yield (("stages", index, "reopen", position), _unknown(target, known), allowed)


def _unknown(target: str, known: dict[str, str]) -> str:
    if target in known:
        return _("'{id}' is a {kind} stage; a deal can only move on to an open stage").format(
            id=target, kind=known[target]
        )
    return _("no stage has the id '{id}'").format(id=target)


def _won(stages: list[tuple[int, dict[str, Any]]]) -> Iterator[Finding]:
    won = [(index, s) for index, s in stages if s.get("won") is True]
    if not won:
        yield (
            ("stages",),
            _("no stage is marked as the win"),
            _("add 'won: true' to the stage a deal enters when the sale is won"),
        )
    for index, _stage in won[1:]:
        yield (
            ("stages", index, "won"),
            _("more than one stage is marked 'won: true'"),
            _("mark exactly one stage as the win"),
        )
    for index, stage in won:
        if stage.get("kind", "open") != "open":
            yield (
                ("stages", index, "won"),
                _("a side stage cannot be the win"),
                _("mark an open stage of the main path as the win"),
            )


def _branches(stages: list[tuple[int, dict[str, Any]]], data: dict[str, Any]) -> Iterator[Finding]:
    kinds = set(_stage_ids(stages).values())
    target_kinds = {branch.value: kind.value for branch, kind in BRANCH_TARGET_KIND.items()}
    for index, stage in stages:
        branches = stage.get("branches")
        for position, branch in enumerate(branches if isinstance(branches, list) else []):
            target_kind = target_kinds.get(branch)
            if target_kind and target_kind not in kinds:
                yield (
                    ("stages", index, "branches", position),
                    _("'{branch}' needs a stage of kind '{kind}', and the map has none").format(
                        branch=branch, kind=target_kind
                    ),
                    _("add a stage with 'kind: {kind}' or remove this branch").format(
                        kind=target_kind
                    ),
                )
        if branches and stage.get("kind", "open") != "open":
            yield (
                ("stages", index, "branches"),
                _("only open stages can branch"),
                _("remove 'branches' from this side stage; use 'reopen' to leave it"),
            )
    if _any_stage_loses(stages) and not data.get("lost_reasons"):
        yield (
            ("lost_reasons",),
            _("stages allow 'lose' but the map lists no lost_reasons"),
            _("add lost_reasons: the reasons a rep picks from when a deal is lost"),
        )


def _any_stage_loses(stages: list[tuple[int, dict[str, Any]]]) -> bool:
    return any(
        isinstance(stage.get("branches"), list) and "lose" in stage["branches"]
        for _index, stage in stages
    )


def _side_kinds(stages: list[tuple[int, dict[str, Any]]]) -> Iterator[Finding]:
    counts: Counter[str] = Counter()
    for index, stage in stages:
        kind = stage.get("kind", "open")
        if kind in SIDE_KINDS:
            counts[kind] += 1
            if counts[kind] == 2:
                yield (
                    ("stages", index, "kind"),
                    _("a second stage of kind '{kind}'").format(kind=kind),
                    _("a map has at most one stage of each side kind"),
                )
        elif stage.get("reopen"):
            yield (
                ("stages", index, "reopen"),
                _("only lost, disqualified and nurture stages reopen"),
                _("remove 'reopen' from this open stage"),
            )
