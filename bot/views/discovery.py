"""`stagecoach discover` as text for a sales manager: one section per question, every
figure with the sample it rests on, "not enough data" where a sample is too small.
Pure: a function of the report (bot.reporting.discovery). docs/discovery.md explains each
section."""

from __future__ import annotations

from bot.core.local_formats import number
from bot.reporting.discovery.report import DiscoveryReport, MoveKind, StageTime
from bot.reporting.discovery.thresholds import MIN_SAMPLE
from bot.reporting.discovery.timing import stalls
from bot.views.counts import counted
from bot.views.discovery_patterns import checklist_lines, gate_lines, won_lost_lines
from bot.views.discovery_words import days, deals, move_words, moves, share_of, stage_name
from bot.views.discovery_words import stays as stay_count
from bot.views.stats import period_words
from flows.i18n import _, ngettext

TOP_STALLS = 3


def report_text(report: DiscoveryReport) -> str:
    sections = (
        _heading(report),
        _flow_lines(report),
        _skip_lines(report),
        _time_lines(report),
        gate_lines(report),
        checklist_lines(report),
        won_lost_lines(report),
    )
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def _heading(report: DiscoveryReport) -> list[str]:
    process_map = report.map
    title = _("What deals actually did on “{title}” (map {id}, version {version})").format(
        title=process_map.title, id=process_map.id, version=process_map.version
    )
    scope = _("{scope}, {period}").format(
        scope=report.scope_title, period=period_words(report.period)
    )
    moved = report.flow.moves
    summary = _("{deals} began in the period; {moves} between stages.").format(
        deals=deals(report.deals_moved), moves=moves(moved)
    )
    if not moved and not report.deals_moved:
        summary = _("No deal history in this period: nothing to discover yet.")
    return [title, scope, summary]


def _flow_lines(report: DiscoveryReport) -> list[str]:
    shown = [m for m in report.moves if m.kind is not MoveKind.CREATED]
    if not shown:
        return []
    lines = [_("Where deals went (every move, by the stage it left):")]
    began = [m for m in report.moves if m.kind is MoveKind.CREATED]
    if began:
        starts = ", ".join(
            f"{stage_name(report.map, m.edge.dest)} ({number(m.edge.count)})"
            for m in sorted(began, key=lambda m: -m.edge.count)
        )
        lines.append("  " + _("deals began in: {stages}").format(stages=starts))
    lines += [f"  {move_words(report.map, move)}" for move in shown]
    off_map = [m for m in shown if not m.edge.on_map]
    if off_map:
        total = sum(m.edge.count for m in off_map)
        lines.append(
            _("{moves} took a way the map does not draw ({ways}).").format(
                moves=moves(total),
                ways=counted(len(off_map), "{count} way", "{count} different ways"),
            )
        )
    return lines


def _skip_lines(report: DiscoveryReport) -> list[str]:
    gone_around = [s for s in report.skips if s.around]
    if not gone_around:
        return []
    lines = [_("Stages deals went around (of the moves that passed each stage):")]
    for skip in sorted(gone_around, key=lambda s: -(s.share or 0.0)):
        lines.append(
            "  "
            + _("{stage}: gone around in {share}").format(
                stage=stage_name(report.map, skip.stage),
                share=share_of(skip.around, skip.around + skip.through),
            )
        )
    return lines


def _time_lines(report: DiscoveryReport) -> list[str]:
    lines = [_("Time in each stage (completed stays, days per deal):")]
    quiet = [t for t in report.times if not t.stays.count and not t.stuck.over_target]
    lines += ["  " + _time_line(report, time) for time in report.times if time not in quiet]
    if quiet:
        names = ", ".join(stage_name(report.map, t.stage) for t in quiet)
        lines.append("  " + _("no completed stay yet: {stages}").format(stages=names))
    stalled = stalls(report.times)[:TOP_STALLS]
    if stalled:
        names = ", ".join(stage_name(report.map, t.stage) for t in stalled)
        lines.append(_("Where deals stall most: {stages}.").format(stages=names))
    return lines


def _time_line(report: DiscoveryReport, time: StageTime) -> str:
    name, stays = stage_name(report.map, time.stage), time.stays
    target = (
        _("target {days} days").format(days=time.target_days)
        if time.target_days
        else _("no target")
    )
    if stays.count < MIN_SAMPLE:
        line = _("{stage} ({target}): not enough data, {stays} (needs {minimum})").format(
            stage=name,
            target=target,
            stays=ngettext("{count} completed stay", "{count} completed stays", stays.count).format(
                count=stays.count
            ),
            minimum=MIN_SAMPLE,
        )
    else:
        line = _("{stage} ({target}): median {median}, p75 {p75}, p90 {p90} over {stays}").format(
            stage=name,
            target=target,
            median=days(stays.median),
            p75=days(stays.p75),
            p90=days(stays.p90),
            stays=stay_count(stays.count),
        )
        if time.target_days:
            line += "; " + _("{share} took longer than the target").format(
                share=share_of(stays.over_target, stays.count)
            )
    if time.stuck.over_target:
        line += "; " + _("over the target now: {share} open deals").format(
            share=share_of(time.stuck.over_target, time.stuck.open)
        )
    return line
