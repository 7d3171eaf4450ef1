"""The proposed new version of a map, as a file a person reviews: the report's proposals
(`proposals.py`) written into the stored source of the map version the report read
(`map_edits.py`), then loaded and linted as `stagecoach maps lint` would. A proposal that
would not load, or would lint worse than the map it came from, is refused, never written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.core.context import Services
from bot.core.outcomes import Failure, Invalid
from bot.deals.feedback import FeedbackEntry, open_feedback_by_stage
from bot.reporting.discovery.map_edits import ProposedMap, edit_map
from bot.reporting.discovery.proposals import ProposedChange, propose
from bot.reporting.discovery.report import DiscoveryReport
from flows.i18n import _
from flows.lint import lint_text
from flows.problems import MapError
from storage import queries


async def proposed_map(
    services: Services, report: DiscoveryReport, *, team_id: str, name: str
) -> ProposedMap | Failure:
    """The new version with every proposed change, each with the workspace's open feedback
    on its stage beside it; `name` labels its diffs."""
    process_map = report.map
    async with services.db.read() as session:
        stored = await queries.map_version(
            session, map_id=process_map.id, version=process_map.version
        )
    if stored is None:
        return Invalid(
            _("no copy of map {id} version {version} in this database").format(
                id=process_map.id, version=process_map.version
            ),
            _("start stagecoach once with that map so its copy is kept"),
        )
    feedback = await open_feedback_by_stage(services, team_id=team_id, map_id=process_map.id)
    changes = with_feedback(propose(report), feedback)
    proposed = edit_map(stored.source, changes, name=name)
    return _checked(stored.source, proposed, name=name)


def with_feedback(
    changes: tuple[ProposedChange, ...], feedback: Mapping[str | None, Sequence[FeedbackEntry]]
) -> tuple[ProposedChange, ...]:
    """Each change about a stage, with the open feedback about that stage (newest first),
    as "#3 @U… : text" lines for the reviewer."""
    return tuple(
        replace(change, related_feedback=tuple(_line(e) for e in feedback.get(change.stage, ())))
        if change.stage is not None
        else change
        for change in changes
    )


def _line(entry: FeedbackEntry) -> str:
    return f"#{entry.number} <@{entry.author_id}>: {entry.text}"


def _checked(source: str, proposed: ProposedMap, *, name: str) -> ProposedMap | Failure:
    if not proposed.changes:
        return proposed
    try:
        before = {(p.rule, p.message) for p in lint_text(source, file=name)}
        after = [
            p for p in lint_text(proposed.text, file=name) if (p.rule, p.message) not in before
        ]
    except MapError as exc:
        return Invalid(
            _("the proposed map would not load: {error}").format(error=exc),
            _("report this as a bug in stagecoach discover; nothing was written"),
        )
    if after:
        return Invalid(
            _("the proposed map would not lint clean: {warning}").format(warning=after[0].message),
            _("report this as a bug in stagecoach discover; nothing was written"),
        )
    return proposed
