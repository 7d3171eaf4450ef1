"""A map's id may join words with '-' (`default-tr`), everywhere a map id is read; stage ids
may not (Slack action values join them with '|', docs/maps.md)."""

from __future__ import annotations

import pytest

from bot.core.scope import ScopeKind, parse_scope
from bot.core.values import BadValue
from bot.deals.migration_maps import MigrationError, VersionRef
from flows.loader import parse_map
from tests.flows.conftest import edited, load_errors


@pytest.mark.parametrize("map_id", ["default-tr", "extended-tr", "a-b-c", "x_1-y_2"])
def test_a_hyphenated_map_id_loads_and_is_read_as_a_scope_and_a_version(map_id: str) -> None:
    assert parse_map(edited(lambda data: data.update(id=map_id))).id == map_id
    scope = parse_scope(f"map:{map_id}")
    assert not isinstance(scope, BadValue)
    assert (scope.kind, scope.map_id) == (ScopeKind.MAP, map_id)
    assert VersionRef.parse(f"{map_id}@3", option="--from") == VersionRef(map_id, 3)


@pytest.mark.parametrize("map_id", ["default-", "-tr", "default--tr", "Default-TR", "d" * 41])
def test_a_badly_joined_map_id_is_refused_with_the_rule(map_id: str) -> None:
    (problem,) = load_errors(edited(lambda data: data.update(id=map_id)))
    assert problem.path == ("id",) and "joined by '-'" in problem.hint
    assert isinstance(parse_scope(f"map:{map_id}"), BadValue)
    if len(map_id) <= 40:  # a long one is refused as not stored, not by its spelling
        with pytest.raises(MigrationError):
            VersionRef.parse(f"{map_id}@1", option="--from")


def test_a_stage_id_may_not_have_a_hyphen() -> None:
    errors = load_errors(edited(lambda data: data["stages"][0].update(id="first-stage")))
    assert any(p.path[-1] == "id" and "'-'" not in p.hint for p in errors)
