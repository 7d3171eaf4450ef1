"""The mapping file of a migration: where the open deals of each stage that the new map
version renamed or merged go (docs/maps.md, "Moving open deals to a new version").

    from: extended@2          # optional: the versions it was written for
    to: extended@3
    stages:
      demo: solution_demo     # renamed
      mql: qualified_lead     # merged ...
      sales_engagement: qualified_lead

A stage whose id is in both versions maps itself and has no line. Every mistake is a
Problem naming the file, the line and what would be right; all are found in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from flows.i18n import _
from flows.problems import MapError, Path, Problem
from flows.schema import ProcessMap, Stage
from flows.yaml_positions import PositionedYaml, load_positioned

KEYS = ("from", "to", "stages")


@dataclass(frozen=True, slots=True)
class StageMapping:
    """Old stage id → new stage id, for the stages the new version renamed or merged."""

    stages: Mapping[str, str] = field(default_factory=dict)

    def sources_of(self, target: str) -> list[str]:
        """The old stages whose deals go to `target` (besides `target` itself)."""
        return [source for source, dest in self.stages.items() if dest == target]


def map_ref(process_map: ProcessMap) -> str:
    """How a migration names a map version: `extended@3`."""
    return f"{process_map.id}@{process_map.version}"


def is_pre_win(process_map: ProcessMap, stage: Stage) -> bool:
    """An open deal's kind of stage: on the main path, before the win."""
    return stage.is_open and not stage.won and not process_map.is_post_sale(stage.id)


def parse_stage_mapping(
    text: str, *, file: str, source: ProcessMap, target: ProcessMap
) -> StageMapping:
    """The mapping in `text` for moving deals from `source` to `target`; raises MapError
    listing every problem found."""
    try:
        document = load_positioned(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise MapError(
            [
                Problem(
                    file,
                    line,
                    column,
                    (),
                    _("not valid YAML: {p}").format(p=problem),
                    _("check indentation and quoting around this line"),
                )
            ]  # fmt: skip
        ) from exc
    checker = _Checker(document, file, source, target)
    found = checker.check()
    if checker.problems:
        raise MapError(checker.problems)
    return StageMapping(found)


class _Checker:
    def __init__(
        self, document: PositionedYaml, file: str, source: ProcessMap, target: ProcessMap
    ) -> None:
        self.document, self.file = document, file
        self.source, self.target = source, target
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str, hint: str) -> None:
        line, column = self.document.position(path)
        self.problems.append(Problem(self.file, line, column, path, message, hint))

    def check(self) -> dict[str, str]:
        data = self.document.data
        if not isinstance(data, dict) or "stages" not in data:
            self.problem((), _("a mapping file needs a `stages:` section"), _example(self.source, self.target))  # fmt: skip
            return {}
        for key in data:
            if key not in KEYS:
                self.problem((key,), _("unknown key '{key}'").format(key=key), _allowed(str(key), KEYS))  # fmt: skip
        for key, expected in (("from", self.source), ("to", self.target)):
            given = data.get(key)
            if given is not None and str(given).strip() != map_ref(expected):
                self.problem((key,), _("this mapping is written for {given}, but the migration's `--{key}` is {expected}").format(given=given, key=key, expected=map_ref(expected)), _("write `{key}: {expected}`, or pass the mapping written for this migration").format(key=key, expected=map_ref(expected)))  # fmt: skip
        stages = data["stages"]
        if stages is None:
            return {}  # an empty section: every stage keeps its id
        if not isinstance(stages, dict):
            self.problem(("stages",), _("`stages` must map each old stage id to a new one"), _example(self.source, self.target))  # fmt: skip
            return {}
        return {
            str(old): new
            for old, new in stages.items()
            if self._source_ok(old) & self._target_ok(old, new)
        }

    def _source_ok(self, old: object) -> bool:
        path = _key_path(old)
        version = self.source.version
        if not isinstance(old, str) or not self.source.has_stage(old):
            ids = [stage.id for stage in self.source.stages]
            self.problem(path, _("'{old}' is not a stage of {map} version {v}").format(old=old, map=self.source.id, v=version), _allowed(str(old), ids))  # fmt: skip
            return False
        if self.target.has_stage(old):
            self.problem(path, _("'{old}' is in both versions: its deals stay in it").format(old=old), _("remove this line (a stage that keeps its id maps itself)"))  # fmt: skip
            return False
        if not is_pre_win(self.source, self.source.stage(old)):
            self.problem(path, _("'{old}' is not a stage open deals are in (a side stage, the win or after it): closed deals stay on their version").format(old=old), _("remove this line"))  # fmt: skip
            return False
        return True

    def _target_ok(self, old: object, new: object) -> bool:
        path = _key_path(old)
        open_ids = [s.id for s in self.target.stages if is_pre_win(self.target, s)]
        if isinstance(new, list | dict):
            self.problem(path, _("the deals of '{old}' go to one stage: a list cannot say which deal goes where").format(old=old), _("name one of: {ids}").format(ids=", ".join(open_ids)))  # fmt: skip
            return False
        if new is None or not isinstance(new, str):
            self.problem(path, _("'{old}' says no stage for its deals").format(old=old), _("name the stage of version {v} they go to, one of: {ids}").format(v=self.target.version, ids=", ".join(open_ids)))  # fmt: skip
            return False
        if not self.target.has_stage(new):
            self.problem(path, _("'{new}' is not a stage of {map} version {v}").format(new=new, map=self.target.id, v=self.target.version), _allowed(new, open_ids))  # fmt: skip
            return False
        if not is_pre_win(self.target, self.target.stage(new)):
            self.problem(path, _("'{new}' is not a stage before the win in version {v}: an open deal moved there would be won or closed by a migration").format(new=new, v=self.target.version), _("map it to one of: {ids}").format(ids=", ".join(open_ids)))  # fmt: skip
            return False
        return True


def _key_path(key: object) -> Path:
    """Where a key of `stages` is: keys are kept as YAML read them (a number stays one)."""
    return ("stages", key if isinstance(key, str | int) else str(key))


def _allowed(given: str, allowed: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(given, allowed, n=1)
    listed = ", ".join(allowed)
    if close:
        return _("did you mean '{close}'? allowed: {listed}").format(close=close[0], listed=listed)
    return _("allowed: {listed}").format(listed=listed)


def _example(source: ProcessMap, target: ProcessMap) -> str:
    gone = [s.id for s in source.stages if is_pre_win(source, s) and not target.has_stage(s.id)]
    where = _("<a stage of version {v}>").format(v=target.version)
    lines = [f"  {stage}: {where}" for stage in gone[:3]]
    return _("for example:\nstages:\n{lines}").format(lines="\n".join(lines) or "  old_id: new_id")
