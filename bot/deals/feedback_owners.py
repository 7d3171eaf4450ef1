"""What the map's owners do with its feedback: read it (`/deal feedback list`), close an
entry with a note (`/deal feedback done 3 <note>`; its author is then told by DM), and
export it (`stagecoach feedback export`). Who the owners are: bot.core.access.may_own_map.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.access import may_own_map
from bot.core.context import Actor, Services
from bot.core.local_formats import day_text
from bot.core.outcomes import Invalid, NotFound, Outcome
from bot.core.values import BadValue, clean_reason
from bot.deals.feedback import FeedbackClosed, FeedbackEntry, FeedbackLine, FeedbackList, Status
from flows.i18n import _
from flows.schema import ProcessMap
from storage import feedback_queries
from storage.feedback_models import MapFeedback

MAX_LISTED = 20  # the newest; the list says how many there are, the export has them all


async def list_feedback(services: Services, actor: Actor, status: Status) -> Outcome:
    async with services.db.read() as session:
        refused = await may_own_map(session, services, actor)
        if refused is not None:
            return refused
        rows, total = await feedback_queries.newest(
            session, team_id=actor.team_id, status=status, limit=MAX_LISTED
        )
    return FeedbackList(status, await feedback_lines(services, actor.team_id, rows), total)


async def close_feedback(services: Services, actor: Actor, number: int, note: str) -> Outcome:
    now = services.clock()
    async with services.db.write() as session:
        refused = await may_own_map(session, services, actor)
        if refused is not None:
            return refused  # first: whatever else is wrong is not theirs to know
        cleaned = clean_reason(note, what=_("note"))
        if isinstance(cleaned, BadValue):
            return _no_note(number, cleaned)
        row = await feedback_queries.by_number(session, team_id=actor.team_id, number=number)
        if row is None:
            return _no_such(number)
        closed = await feedback_queries.close(
            session, team_id=actor.team_id, number=number, by=actor.user_id, at=now, note=cleaned
        )
        if not closed:
            return _done_already(row)
    # as the row now reads (the session is over: nothing is written by this)
    row.done_at, row.done_by, row.done_note = now, actor.user_id, cleaned
    (line,) = await feedback_lines(services, actor.team_id, [row])
    return FeedbackClosed(line, actor.team_id)


def _no_note(number: int, why: BadValue) -> Invalid:
    return Invalid(
        _("say what was done about it: {why}").format(why=why.message),
        _("e.g. /deal feedback done {number} added a security review item to Demo").format(
            number=number
        ),
    )


def _no_such(number: int) -> NotFound:
    return NotFound(
        _("there is no feedback {number} in this workspace").format(number=number),
        _("/deal feedback list all shows every entry with its number"),
    )


def _done_already(row: MapFeedback) -> Invalid:
    when = day_text(row.done_at.date()) if row.done_at else ""
    return Invalid(
        _("feedback {number} was marked done already, by <@{who}> on {when}: {note}").format(
            number=row.number, who=row.done_by, when=when, note=row.done_note or ""
        ),
        _("/deal feedback list shows the open ones"),
    )


async def feedback_lines(
    services: Services, team_id: str, rows: Sequence[MapFeedback]
) -> list[FeedbackLine]:
    """Each entry with the names of its map, stage and deal, as its map version says them."""
    maps: dict[tuple[str, int], ProcessMap] = {}
    for key in {(row.map_id, row.map_version) for row in rows}:
        maps[key] = await services.catalog.get(services.db, map_id=key[0], version=key[1])
    deal_ids = {row.deal_id for row in rows if row.deal_id is not None}
    async with services.db.read() as session:
        names = await feedback_queries.deal_names(session, team_id=team_id, deal_ids=deal_ids)
    return [
        _line(FeedbackEntry.of(row), maps[(row.map_id, row.map_version)], names) for row in rows
    ]


def _line(entry: FeedbackEntry, process_map: ProcessMap, names: dict[int, str]) -> FeedbackLine:
    stage = entry.stage_id
    stage_name = process_map.stage(stage).name if stage and process_map.has_stage(stage) else stage
    deal_name = names.get(entry.deal_id) if entry.deal_id is not None else None
    return FeedbackLine(entry, process_map.title, stage_name, deal_name)


async def every_feedback(services: Services, *, team_id: str, status: Status) -> list[FeedbackLine]:
    """Every entry with `status`, oldest first: `stagecoach feedback export` (an admin's
    command line, so no role is asked for)."""
    async with services.db.read() as session:
        rows = await feedback_queries.every(session, team_id=team_id, status=status)
    return await feedback_lines(services, team_id, rows)
