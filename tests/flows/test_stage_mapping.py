"""The mapping file of a migration (flows/stage_mapping.py): every mistake is refused with
the line it is on, what was wrong and what would be right; a good file reads as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.problems import MapError
from flows.stage_mapping import StageMapping, is_pre_win, parse_stage_mapping
from tests.support.migration import MAPPING_YAML, extended_v2, extended_v3

V2, V3 = extended_v2(), extended_v3()


def parse(text: str) -> StageMapping:
    return parse_stage_mapping(text, file="mapping.yml", source=V2, target=V3)


def test_the_documented_mapping_reads_as_written() -> None:
    assert dict(parse(MAPPING_YAML).stages) == {
        "demo": "solution_demo",
        "mql": "qualified_lead",
        "sales_engagement": "qualified_lead",
    }
    assert parse(MAPPING_YAML).sources_of("qualified_lead") == ["mql", "sales_engagement"]


def test_an_empty_stages_section_maps_nothing() -> None:
    assert parse("stages:\n").stages == {}


BAD = [
    # (file, line, what the message says, what the hint says)
    ("stages:\n  dmeo: solution_demo\n", 2, "'dmeo' is not a stage of extended version 2", "did you mean 'demo'?"),
    ("stages:\n  demo: solution_dem\n", 2, "'solution_dem' is not a stage of extended version 3", "did you mean 'solution_demo'?"),
    ("stages:\n  discovery: proposal\n", 2, "'discovery' is in both versions", "remove this line"),
    ("stages:\n  demo: contract_signed\n", 2, "'contract_signed' is not a stage before the win in version 3", "map it to one of: brand_awareness"),
    ("stages:\n  demo: lost\n", 2, "'lost' is not a stage before the win", "qualified_lead"),
    ("stages:\n  demo: [proposal, solution_demo]\n", 2, "go to one stage: a list cannot say", "name one of"),
    ("stages:\n  demo:\n", 2, "'demo' says no stage for its deals", "name the stage of version 3"),
    ("stages:\n  demo: 3\n", 2, "'demo' says no stage for its deals", "name the stage of version 3"),
    ("stage:\n  demo: solution_demo\n", 1, "a mapping file needs a `stages:` section", "demo: <a stage of version 3>"),
    ("", 1, "a mapping file needs a `stages:` section", "for example"),
    ("- demo\n", 1, "a mapping file needs a `stages:` section", "for example"),
    ("stages:\n  demo: solution_demo\nstage: x\n", 3, "unknown key 'stage'", "did you mean 'stages'?"),
    ("stages: demo -> solution_demo\n", 1, "`stages` must map each old stage id to a new one", "for example"),
    ("from: extended@1\nstages: {}\n", 1, "this mapping is written for extended@1, but the migration's `--from` is extended@2", "write `from: extended@2`"),
    ("to: default@2\nstages: {}\n", 1, "written for default@2, but the migration's `--to` is extended@3", "write `to: extended@3`"),
    ("stages:\n  demo: solution_demo\n  demo: proposal\n", 3, "not valid YAML: duplicate key 'demo'", "check indentation"),
    ("stages:\n  demo: [solution_demo\n", 3, "not valid YAML", "check indentation"),
    ("stages:\n  lost: qualified_lead\n", 2, "'lost' is in both versions", "remove this line"),
    ("stages:\n  3: qualified_lead\n", 2, "'3' is not a stage of extended version 2", "allowed: brand_awareness"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message", "hint"), BAD)
def test_every_bad_mapping_is_refused_with_its_line_and_what_would_be_right(
    text: str, line: int, message: str, hint: str
) -> None:
    with pytest.raises(MapError) as refused:
        parse(text)
    problem = refused.value.problems[0]
    assert (problem.file, problem.line) == ("mapping.yml", line), str(refused.value)
    assert message in problem.message
    assert hint in problem.hint


def test_every_mistake_in_a_file_is_reported_at_once() -> None:
    text = "stages:\n  dmeo: solution_demo\n  mql: lost\n  sales_engagement: qualified_lead\n"
    with pytest.raises(MapError) as refused:
        parse(text)
    assert [p.line for p in refused.value.problems] == [2, 3]


STAGE_IDS = sorted({s.id for s in V2.stages} | {s.id for s in V3.stages} | {"nowhere", "Demo"})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(STAGE_IDS), st.sampled_from(STAGE_IDS), max_size=6))
def test_any_mapping_is_read_whole_or_refused_with_each_bad_line_named(
    pairs: dict[str, str],
) -> None:
    text = "stages:\n" + "".join(f"  {old}: {new}\n" for old, new in pairs.items())
    lines = {old: number for number, old in enumerate(pairs, start=2)}

    def good(old: str, new: str) -> bool:
        source_ok = V2.has_stage(old) and not V3.has_stage(old) and is_pre_win(V2, V2.stage(old))
        return source_ok and V3.has_stage(new) and is_pre_win(V3, V3.stage(new))

    bad = {old for old, new in pairs.items() if not good(old, new)}
    if not bad:
        assert dict(parse(text).stages) == pairs
        return
    with pytest.raises(MapError) as refused:
        parse(text)
    assert {p.line for p in refused.value.problems} == {lines[old] for old in bad}
    for problem in refused.value.problems:
        old = str(problem.path[1])
        assert f"'{old}'" in problem.message or f"'{pairs[old]}'" in problem.message
        assert problem.hint
