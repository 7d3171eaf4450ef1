"""The maps that ship load and lint clean: what the product shows must follow its own advice."""

from __future__ import annotations

import pytest

from flows.lint import lint_file
from flows.loader import SHIPPED_DIR, load_map

SHIPPED = ["default", "extended"]


@pytest.mark.parametrize("map_id", SHIPPED)
def test_shipped_map_loads_and_lints_clean(map_id: str) -> None:
    path = SHIPPED_DIR / f"{map_id}.yml"
    process_map = load_map(path)
    assert process_map.id == map_id
    assert [str(warning) for warning in lint_file(path)] == []


def test_extended_map_has_the_source_articles_fourteen_stages() -> None:
    assert len(load_map(SHIPPED_DIR / "extended.yml").open_stages) == 14
