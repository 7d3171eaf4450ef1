"""Writing proposed changes into a map file (bot/reporting/discovery/map_edits.py): on
generated maps, a merged stage leaves a map that loads, lints no worse, and sends every way
that led to the stage where the stage led on; on the shipped maps, the file's comments and
layout stay as written."""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml
from hypothesis import given, settings

from bot.reporting.discovery.map_edits import edit_map
from bot.reporting.discovery.proposals import ChangeKind, ProposedChange, merge_change
from bot.reporting.discovery.report import StageSkip
from flows.lint import lint_text
from flows.loader import SHIPPED_DIR, parse_map
from flows.schema import ProcessMap
from tests.support.generated_maps import map_data


def _advances(process_map: ProcessMap) -> dict[str, str | None]:
    return {s.id: process_map.next_stage_id(s) for s in process_map.open_stages}


def _rules(text: str) -> Counter[str]:
    return Counter(problem.rule for problem in lint_text(text))


@settings(max_examples=60, deadline=None)
@given(map_data())
def test_a_merge_keeps_every_way_on(data: dict[str, Any]) -> None:
    source = yaml.safe_dump(data, sort_keys=False)
    old = parse_map(source)
    for stage in old.open_stages[1:]:
        change = merge_change(old, StageSkip(stage.id, around=10, through=0))
        if change is None or stage.won:
            continue
        new = parse_map(edit_map(source, [change], name="m.yml").text)
        assert not new.has_stage(stage.id)
        before, after = _advances(old), _advances(new)
        for other, leads_to in before.items():
            if other != stage.id:
                expected = before[stage.id] if leads_to == stage.id else leads_to
                assert after[other] == expected, (other, stage.id)
        assert all(stage.id not in side.reopen for side in new.stages)
        assert set(_rules(edit_map(source, [change], name="m.yml").text)) <= set(_rules(source))


def test_the_shipped_maps_keep_their_comments_and_layout() -> None:
    for path in sorted(SHIPPED_DIR.glob("*.yml")):
        source = path.read_text(encoding="utf-8")
        old = parse_map(source)
        stage = old.open_stages[1]
        changes = [
            ProposedChange(ChangeKind.VERSION, None, old.version + 1, None),
            ProposedChange(ChangeKind.TARGET_DAYS, stage.id, 99, None),
        ]
        edited = edit_map(source, changes, name=path.name)
        lines = [line for e in edited.changes for line in e.diff]
        removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
        added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
        assert removed == [f"-version: {old.version}", f"-    target_days: {stage.target_days}"]
        assert added == [f"+version: {old.version + 1}", "+    target_days: 99"]
        assert len(edited.text.splitlines()) == len(source.splitlines())
        assert lint_text(edited.text) == lint_text(source)
