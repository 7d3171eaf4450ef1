"""Feedback on the map, below Slack: the stage a text names (every stage of both shipped
maps, found by its name, a part of its name or its id, however it is cased or accented);
the open feedback by stage that the proposed edits link to; numbers that stay distinct
when many people give feedback at once; and the export, parsed back."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli.feedback import COLUMNS, write_csv
from bot.core.context import Actor, Services
from bot.deals.feedback import (
    FeedbackClosed,
    FeedbackEntry,
    FeedbackGiven,
    Status,
    open_feedback_by_stage,
)
from bot.deals.feedback_giving import record_feedback, stage_named_in
from bot.deals.feedback_owners import close_feedback, every_feedback
from flows.loader import load_shipped
from flows.schema import ProcessMap
from tests.support.deals import ADMIN, REP, expect, new_deal

MAPS = {map_id: load_shipped(map_id) for map_id in ("default", "extended")}
FILLER = st.sampled_from(["please", "the checklist is long", "we keep skipping it", "", "ok"])


def _ways_to_name(process_map: ProcessMap) -> st.SearchStrategy[tuple[str, str]]:
    """(stage id, a way a person names it): its name, a part of it, its id with spaces."""
    ways = [
        (stage.id, way)
        for stage in process_map.stages
        for way in {stage.name, stage.name.split("/")[-1].strip(), stage.id.replace("_", " ")}
    ]
    return st.sampled_from(ways)


@pytest.mark.parametrize("map_id", MAPS)
@given(data=st.data())
def test_a_stage_named_anywhere_in_the_text_is_found(map_id: str, data: st.DataObject) -> None:
    process_map = MAPS[map_id]
    stage_id, way = data.draw(_ways_to_name(process_map))
    way = data.draw(st.sampled_from([way, way.upper(), way.lower()]))
    before, after = data.draw(FILLER), data.draw(FILLER)
    found = stage_named_in(process_map, f"{before} {way} stage: {after}")
    assert found is not None
    # a name may hold another stage's (`Discovery / needs analysis` holds `discovery`):
    # the first and longest name wins, which is the one written or one inside it
    assert (
        found.id == stage_id
        or found.id.replace("_", " ") in way.lower()
        or (found.name.lower() in way.lower())
    )


@pytest.mark.parametrize("map_id", MAPS)
def test_text_naming_no_stage_names_none(map_id: str) -> None:
    for text in ("the checklist is too long", "demos", "predemo", "closedwon", "discover"):
        assert stage_named_in(MAPS[map_id], text) is None, text


def test_the_first_stage_named_wins_and_accents_do_not_matter() -> None:
    default = MAPS["default"]
    found = stage_named_in(default, "PROPOSAL comes before the dèmo, not after")
    assert found is not None and found.id == "proposal"
    found = stage_named_in(default, "Çözüm: the DÉMO stage")
    assert found is not None and found.id == "demo"


async def test_open_feedback_by_stage_for_the_proposals(services: Services) -> None:
    await new_deal(services, REP, "Acme")  # in qualify
    for text in ("the demo stage needs a security item", "too many items", "the map is long"):
        expect(await record_feedback(services, REP, text), FeedbackGiven)
    other = Actor(team_id="T2", user_id="UREP")  # another workspace's is never included
    expect(await record_feedback(services, other, "demo is fine"), FeedbackGiven)
    expect(await close_feedback(services, ADMIN, 2, "merged them"), FeedbackClosed)

    by_stage = await open_feedback_by_stage(services, team_id="T1", map_id="default")

    assert set(by_stage) == {"demo", "qualify"}  # the map text has Acme's stage: qualify
    (security,) = by_stage["demo"]
    assert isinstance(security, FeedbackEntry) and security.number == 1 and security.is_open
    assert [entry.number for entry in by_stage["qualify"]] == [3]
    assert await open_feedback_by_stage(services, team_id="T1", map_id="extended") == {}


async def test_feedback_given_at_once_gets_distinct_numbers(services: Services) -> None:
    people = [Actor(team_id="T1", user_id=f"U{n:04d}") for n in range(12)]
    answers = await asyncio.gather(
        *(record_feedback(services, person, f"idea {n}") for n, person in enumerate(people))
    )
    numbers = sorted(expect(answer, FeedbackGiven).line.entry.number for answer in answers)
    assert numbers == list(range(1, 13))


async def test_the_export_parses_back_to_what_was_given(services: Services) -> None:
    await new_deal(services, REP, 'Acme, "Big" Co')
    texts = ['the demo stage, "security"', "line one\nline two", "=SUM(A1)"]
    for text in texts:
        expect(await record_feedback(services, REP, text), FeedbackGiven)
    expect(await close_feedback(services, ADMIN, 1, "added, thanks"), FeedbackClosed)
    out = io.StringIO()

    write_csv(await every_feedback(services, team_id="T1", status=Status.ALL), {"UREP": "Ana"}, out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    # as typed (on one line), a formula made text for spreadsheets (bot/cli/feedback.py)
    shown = [" ".join(text.split()) for text in texts[:2]] + ["'=SUM(A1)"]
    assert [row["text"] for row in rows] == shown
    first = rows[0]
    assert (first["number"], first["status"], first["stage_id"], first["stage"]) == (
        "1", "done", "demo", "Solution demo",
    )  # fmt: skip
    assert (first["deal"], first["author"], first["done_by"], first["done_note"]) == (
        'Acme, "Big" Co', "Ana", "UADMIN", "added, thanks",
    )  # fmt: skip
    assert [row["status"] for row in rows] == ["done", "open", "open"]
    out = io.StringIO()
    write_csv(await every_feedback(services, team_id="T1", status=Status.OPEN), {}, out)
    assert [row["number"] for row in csv.DictReader(io.StringIO(out.getvalue()))] == ["2", "3"]
