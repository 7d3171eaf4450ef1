"""Proposed changes written into a copy of the map's YAML with ruamel.yaml's round trip,
which keeps the file's comments, key order, folded text and flow lists as they were: a
reviewer's diff shows the changes and nothing else. Each change is applied and dumped in
turn, so each comes with its own diff."""

from __future__ import annotations

import copy
import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from bot.reporting.discovery.proposals import ChangeKind, ProposedChange
from flows.lint import MAX_ITEMS

DIFF_CONTEXT = 2


@dataclass(frozen=True, slots=True)
class EditedChange:
    change: ProposedChange
    diff: tuple[str, ...]  # unified diff lines of this change alone
    left_out: tuple[str, ...] = ()  # a merge: exit items not carried over (ids)


@dataclass(frozen=True, slots=True)
class ProposedMap:
    text: str  # the whole new file
    changes: tuple[EditedChange, ...]


def _yaml(source: str) -> YAML:
    """A round-trip YAML that writes lists indented as `source` indents them (the shipped
    maps: `- ` two spaces in, items four)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the author wrote on one line
    _data, sequence, offset = load_yaml_guess_indent(source)
    yaml.indent(
        mapping=sequence - offset if sequence > offset else 2, sequence=sequence, offset=offset
    )
    return yaml


def _dump(yaml: YAML, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def edit_map(source: str, changes: Sequence[ProposedChange], *, name: str) -> ProposedMap:
    """`source` with `changes` applied, in order; `name` labels the diffs."""
    yaml = _yaml(source)
    document = yaml.load(source)
    # each diff against the file as this writer writes it: a layout the writer cannot keep
    # exactly would otherwise show up in the first change's diff
    before, edited = _dump(yaml, document), []
    for change in changes:
        left_out = _apply(document, change)
        after = _dump(yaml, document)
        diff = difflib.unified_diff(
            before.splitlines(), after.splitlines(), name, name, n=DIFF_CONTEXT, lineterm=""
        )
        edited.append(EditedChange(change, tuple(list(diff)[2:]), left_out))
        before = after
    return ProposedMap(before, tuple(edited))


def _stage(document: Any, stage_id: str | None) -> CommentedMap:
    return next(s for s in document["stages"] if s.get("id") == stage_id)


def _apply(document: Any, change: ProposedChange) -> tuple[str, ...]:
    kind, value = change.kind, change.value
    if kind is ChangeKind.VERSION:
        document["version"] = value
    elif kind is ChangeKind.TARGET_DAYS:
        _stage(document, change.stage)["target_days"] = value
    elif kind is ChangeKind.OPTIONAL_ITEM:
        item = next(i for i in _stage(document, change.stage)["exit"] if i.get("id") == value)
        _set_after(item, "required", False, after="text")
    elif kind is ChangeKind.ADD_BRANCH:
        _append_to_list(_stage(document, change.stage), "branches", value, after="rot_days")
    elif kind is ChangeKind.ADD_REOPEN:
        _append_to_list(_stage(document, change.stage), "reopen", value, after="rot_days")
    elif kind is ChangeKind.MERGE_STAGE:
        return _merge(document, str(change.stage), str(value))
    return ()


def _set_after(mapping: CommentedMap, key: str, value: object, *, after: str) -> None:
    if key in mapping or after not in mapping:
        mapping[key] = value
    else:
        mapping.insert(list(mapping).index(after) + 1, key, value)


def _append_to_list(stage: CommentedMap, key: str, value: object, *, after: str) -> None:
    if key in stage:
        stage[key].append(value)
        return
    flow = CommentedSeq([value])
    flow.fa.set_flow_style()  # written as the shipped maps write them: [lose, nurture]
    _set_after(stage, key, flow, after=after)


def _open_ids(document: Any) -> list[str]:
    return [s["id"] for s in document["stages"] if s.get("kind", "open") == "open"]


def _merge(document: Any, stage_id: str, into: str) -> tuple[str, ...]:
    """Fold `stage_id` into `into`, the stage before it: `advance` from there (and from any
    stage that led to it) leads where `stage_id`'s did, reopens to it reopen to `into`,
    its exit items come along as optional ones where the checklist has room and no item of
    that id, its branches and playbook entries come along, and the stage is removed."""
    merged, target = _stage(document, stage_id), _stage(document, into)
    _redirect(document, stage_id, into)
    left_out = _carry_items(merged, target)
    for branch in merged.get("branches") or []:  # side stages reached only from here stay reachable
        if branch not in (target.get("branches") or []):
            _append_to_list(target, "branches", branch, after="rot_days")
    if merged.get("playbook"):
        target.setdefault("playbook", CommentedSeq()).extend(copy.deepcopy(merged["playbook"]))
    document["stages"].remove(merged)
    return tuple(left_out)


def _advance_of(stage: CommentedMap, open_ids: list[str]) -> str | None:
    """Where `advance` leads from `stage` (as flows.schema's next_stage_id reads it)."""
    if "next" in stage:
        return str(stage["next"])
    position = open_ids.index(stage["id"])
    return open_ids[position + 1] if position + 1 < len(open_ids) else None


def _redirect(document: Any, stage_id: str, into: str) -> None:
    open_ids = _open_ids(document)
    onward = _advance_of(_stage(document, stage_id), open_ids)
    remaining = [s for s in open_ids if s != stage_id]
    leading_here = [
        s
        for s in document["stages"]
        if s["id"] in remaining and _advance_of(s, open_ids) == stage_id
    ]
    for stage in leading_here:  # `advance` from them now leads where it led on from here
        after = _advance_of(stage, remaining) if "next" not in stage else None
        if onward is not None and after != onward:
            _set_after(stage, "next", onward, after="won" if "won" in stage else "rot_days")
        elif "next" in stage:
            del stage["next"]
    for stage in document["stages"]:
        reopen = stage.get("reopen")
        if reopen and stage_id in reopen:
            at = list(reopen).index(stage_id)
            del reopen[at]
            if into not in reopen:
                reopen.insert(at, into)


def _carry_items(merged: CommentedMap, target: CommentedMap) -> list[str]:
    exits = target.setdefault("exit", CommentedSeq())
    left_out: list[str] = []
    for item in merged.get("exit") or []:
        if len(exits) >= MAX_ITEMS or any(i.get("id") == item.get("id") for i in exits):
            left_out.append(str(item.get("id")))
            continue
        moved = copy.deepcopy(item)
        _set_after(moved, "required", False, after="text")
        exits.append(moved)
    return left_out
