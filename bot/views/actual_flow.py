"""`/deal map actual`: the short text that goes with the discovery picture (pure: a
function of the report). It says how many moves were counted, the moves the map does not
have that were used most, and the stages whose stays most often ran past their target;
with no move in the period, that there is not enough data and how to ask for more."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.local_formats import percent_text
from bot.core.slack_text import readable
from bot.reporting.actual_flow import OVERSTAY_MIN_STAYS
from bot.reporting.outcomes import ActualFlowReport
from bot.views.blocks import context, header, section
from bot.views.counts import counted
from bot.views.message import Message
from bot.views.mrkdwn import bullets, escape, escape_keeping_mentions
from bot.views.numbers import days_text
from bot.views.stats import period_words
from flows.actual_flow import ActualFlow, StageLoad
from flows.diagram_actual import OFTEN_OVER, edge_words
from flows.i18n import _
from flows.schema import ProcessMap

TOP = 3  # off-map moves and overstayed stages the text names; the picture has them all


def actual_flow_message(report: ActualFlowReport, *, picture_note: bool = True) -> Message:
    """The text of the report; `picture_note`: say the picture follows in a DM (Slack and
    the shell upload it there; the command line writes it to a file instead)."""
    flow, process_map = report.flow, report.process_map
    title = _("Actual flow: {scope}, {period}").format(
        scope=report.scope_title, period=period_words(report.period)
    )
    if flow.moves == 0:
        said = _(
            "No deal moved between stages of the {map} map in this period: not enough data "
            "to draw the actual flow. Try a longer period, e.g. /deal map actual all"
        ).format(map=process_map.title)
        return Message(
            text=f"{title}: {said}", blocks=[header(readable(title)), section(escape(said))]
        )
    headline = _moves_line(process_map, flow)
    blocks: list[Block] = [
        header(readable(title)),  # plain text: a mention would show as <@U…>
        section(escape_keeping_mentions(headline)),
        section(escape(_off_map_text(process_map, flow))),
        section(escape(_overstay_text(process_map, flow))),
    ]
    if picture_note:
        blocks.append(context(escape(_("The picture follows in your direct messages."))))
    return Message(text=f"{title}: {headline}", blocks=blocks)


def _moves_line(process_map: ProcessMap, flow: ActualFlow) -> str:
    created = sum(edge.count for edge in flow.edges if edge.source is None)
    return _("{moves} between stages of the {map} map (v{version}), {created}.").format(
        moves=counted(flow.moves, "{count} move", "{count} moves"),
        map=process_map.title,
        version=flow.map_version,
        created=counted(created, "{count} deal created", "{count} deals created"),
    )


def _off_map_text(process_map: ProcessMap, flow: ActualFlow) -> str:
    off = flow.off_map()
    if not off:
        return _("Every move followed the map.")
    moves = [edge for edge in off if edge.source is not None]
    share = sum(edge.count for edge in moves) / flow.moves
    names = {stage.id: stage.name for stage in process_map.stages}
    lines = [edge_words(edge, names) for edge in off[:TOP]]
    head = _("Not on the map: {moves} ({share} of all moves)").format(
        moves=counted(sum(e.count for e in moves), "{count} move", "{count} moves"),
        share=percent_text(share),
    )
    elsewhere = sum(edge.count for edge in off if edge.source is None)
    if elsewhere:
        created = counted(elsewhere, "{count} deal created", "{count} deals created")
        head += _(", and {created} past the first stage").format(created=created)
    return f"{head}. {_('Most used:')}\n{bullets(lines)}"


def _overstay_text(process_map: ProcessMap, flow: ActualFlow) -> str:
    judged = [s for s in flow.stages if _judged(s)]
    if not judged:
        return _(
            "No stage with a target has {count} ended stays in this period yet: too few to "
            "say which are overstayed."
        ).format(count=OVERSTAY_MIN_STAYS)
    over = sorted(
        (s for s in judged if (s.overstay_share or 0.0) >= OFTEN_OVER),
        key=lambda s: (-(s.overstay_share or 0.0), -s.ended_stays),
    )
    if not over:
        return _("No stage's stays ran past its target often (in {share} of them or more).").format(
            share=percent_text(OFTEN_OVER)
        )
    lines = [_stage_words(process_map, stage) for stage in over[:TOP]]
    return "\n".join([_("Most overstayed:"), bullets(lines)])


def _judged(load: StageLoad) -> bool:
    return load.overstay_share is not None and load.ended_stays >= OVERSTAY_MIN_STAYS


def _stage_words(process_map: ProcessMap, load: StageLoad) -> str:
    stage = process_map.stage(load.stage)
    return _(
        "{stage}: {share} of {stays} longer than its target of {target} (median {median})"
    ).format(
        stage=stage.name,
        share=percent_text(load.overstay_share or 0.0),
        stays=counted(load.ended_stays, "{count} ended stay", "{count} ended stays"),
        target=counted(stage.target_days or 0, "{count} day", "{count} days"),
        median=days_text(load.median_days),
    )
