"""The maps that ship load and lint clean: what the product shows must follow its own advice."""

from __future__ import annotations

import pytest

from flows.lint import lint_file
from flows.loader import SHIPPED_DIR, load_map, shipped_map_ids
from flows.schema import EvidenceType, ProcessMap, Validator

# Each Turkish map is its English map written in Turkish (docs/maps.md): same keys.
TRANSLATED = {"default-tr": "default", "extended-tr": "extended"}


def test_every_map_has_its_turkish_map() -> None:
    assert sorted([*TRANSLATED, *TRANSLATED.values()]) == shipped_map_ids()


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_shipped_map_loads_and_lints_clean(map_id: str) -> None:
    path = SHIPPED_DIR / f"{map_id}.yml"
    process_map = load_map(path)
    assert process_map.id == map_id
    assert [str(warning) for warning in lint_file(path)] == []


@pytest.mark.parametrize("map_id", ["extended", "extended-tr"])
def test_extended_map_has_the_source_articles_fourteen_stages(map_id: str) -> None:
    assert len(load_map(SHIPPED_DIR / f"{map_id}.yml").open_stages) == 14


@pytest.mark.parametrize("map_id", ["extended", "extended-tr"])
def test_extended_map_shows_every_evidence_type_and_a_validated_item(map_id: str) -> None:
    """The extended map is the example of what a serious team writes (docs/maps.md): an
    edit that drops a type of evidence, or the manager's validation, must say so here."""
    process_map = load_map(SHIPPED_DIR / f"{map_id}.yml")
    items = [item for stage in process_map.stages for item in stage.exit]
    used = {item.evidence.type for item in items if item.evidence is not None}
    assert used == set(EvidenceType)
    validated = [item for item in items if item.validate_by is Validator.MANAGER]
    assert validated
    # Required, with evidence: the manager sees what to confirm, and the gate waits for it.
    assert all(item.required and item.evidence is not None for item in validated)


def _shape(process_map: ProcessMap) -> list[object]:
    """What must not differ between a map and its translation: ids, kinds, gates, numbers."""
    return [
        (
            stage.id,
            stage.kind,
            stage.won,
            stage.probability,
            stage.target_days,
            stage.rot_days,
            stage.branches,
            stage.reopen,
            stage.buyer_stage,
            [(i.id, i.required, i.validate_by, i.evidence and i.evidence.type) for i in stage.exit],
            [entry.id for entry in stage.playbook],
        )
        for stage in process_map.stages
    ]


@pytest.mark.parametrize(("turkish", "english"), TRANSLATED.items())
def test_turkish_map_has_the_english_maps_keys_and_gates(turkish: str, english: str) -> None:
    tr_map, en_map = load_map(turkish), load_map(english)
    assert tr_map.locale == "tr_TR"
    assert _shape(tr_map) == _shape(en_map)
    assert len(tr_map.lost_reasons) == len(en_map.lost_reasons)
    # Written in Turkish, not copied: no stage keeps its English name or entry.
    for tr_stage, en_stage in zip(tr_map.stages, en_map.stages, strict=True):
        assert (tr_stage.name, tr_stage.entry) != (en_stage.name, en_stage.entry)
