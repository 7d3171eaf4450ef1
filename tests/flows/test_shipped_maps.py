"""The maps that ship load and lint clean: what the product shows must follow its own advice."""

from __future__ import annotations

import pytest

from flows.lint import lint_file
from flows.loader import SHIPPED_DIR, load_map
from flows.schema import EvidenceType, Validator

SHIPPED = ["default", "extended"]


@pytest.mark.parametrize("map_id", SHIPPED)
def test_shipped_map_loads_and_lints_clean(map_id: str) -> None:
    path = SHIPPED_DIR / f"{map_id}.yml"
    process_map = load_map(path)
    assert process_map.id == map_id
    assert [str(warning) for warning in lint_file(path)] == []


def test_extended_map_has_the_source_articles_fourteen_stages() -> None:
    assert len(load_map(SHIPPED_DIR / "extended.yml").open_stages) == 14


def test_extended_map_shows_every_evidence_type_and_a_validated_item() -> None:
    """The extended map is the example of what a serious team writes (docs/maps.md): an
    edit that drops a type of evidence, or the manager's validation, must say so here."""
    process_map = load_map(SHIPPED_DIR / "extended.yml")
    items = [item for stage in process_map.stages for item in stage.exit]
    used = {item.evidence.type for item in items if item.evidence is not None}
    assert used == set(EvidenceType)
    validated = [item for item in items if item.validate_by is Validator.MANAGER]
    assert validated
    # Required, with evidence: the manager sees what to confirm, and the gate waits for it.
    assert all(item.required and item.evidence is not None for item in validated)
