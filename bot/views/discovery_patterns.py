"""The discovery report's sections on gates, checklists and won against lost deals (pure;
bot.views.discovery puts the report together)."""

from __future__ import annotations

from bot.reporting.discovery.report import (
    Difference,
    DiscoveryReport,
    GateOverrides,
    TickKind,
    TickPattern,
)
from bot.reporting.discovery.thresholds import MIN_DECIDED, SIGNIFICANT
from bot.views.counts import counted
from bot.views.discovery_words import deals, item_name, p_value, share_of, stage_name
from flows.i18n import _
from flows.schema import ProcessMap
from storage.discovery_outcomes import FAST_RESPONSE_DAYS, FeatureKind

TOP_ITEMS = 3
TOP_PEOPLE = 3


def gate_lines(report: DiscoveryReport) -> list[str]:
    if not report.gates:
        return [_("Gates overridden: none in this period.")]
    lines = [_("Gates overridden (a manager moved a deal on with required items open):")]
    for gate in report.gates:
        lines += _gate(report.map, gate)
    for item in report.items_overridden:
        lines.append(
            "  "
            + _(
                "{item} ({stage}) was open at the override in {share} won deals whose gate was recorded"
            ).format(
                item=item_name(report.map, item.stage, item.item),
                stage=stage_name(report.map, item.stage),
                share=share_of(item.won_overridden, item.won_recorded),
            )
        )
    return lines


def _gate(process_map: ProcessMap, gate: GateOverrides) -> list[str]:
    items = ", ".join(
        f"{item_name(process_map, gate.stage, c.key)} ({c.count})"
        for c in gate.open_items[:TOP_ITEMS]
    )
    people = ", ".join(f"@{c.key} ({c.count})" for c in gate.by[:TOP_PEOPLE])
    return [
        "  "
        + _("{stage}: {share} moves out of it were overrides, by {people}").format(
            stage=stage_name(process_map, gate.stage),
            share=share_of(gate.overrides, gate.moves_on),
            people=people,
        ),
        "    " + _("open at the override: {items}").format(items=items or "–"),
        "    "
        + _("those deals now: {won} won, {lost} lost, {open} not decided").format(
            won=gate.won, lost=gate.lost, open=gate.still_open
        ),
    ]


def checklist_lines(report: DiscoveryReport) -> list[str]:
    if not report.ticks:
        return []
    lines = [_("Checklists:")]
    lines += ["  " + _pattern(report.map, pattern) for pattern in report.ticks]
    return lines


def _pattern(process_map: ProcessMap, pattern: TickPattern) -> str:
    names = [item_name(process_map, pattern.stage, item) for item in pattern.items]
    stage = stage_name(process_map, pattern.stage)
    if pattern.kind is TickKind.TOGETHER:
        return _(
            "{stage}: {count} items are ticked in one go, in {share} deals that ticked them "
            "(one step, or a formality?): {items}"
        ).format(
            stage=stage,
            count=len(names),
            share=share_of(pattern.hits, pattern.sample),
            items=", ".join(names),
        )
    return _(
        "{stage}: {item} is ticked last, on its own, in {share} deals (the item deals wait on)"
    ).format(stage=stage, item=names[0], share=share_of(pattern.hits, pattern.sample))


def won_lost_lines(report: DiscoveryReport) -> list[str]:
    found = report.outcomes
    title = _("Where won and lost deals differ ({won} won, {lost} lost):").format(
        won=deals(found.won), lost=deals(found.lost)
    )
    if not found.enough:
        return [
            title,
            "  "
            + _("not enough data: it needs at least {minimum} won and {minimum} lost deals").format(
                minimum=MIN_DECIDED
            ),
        ]
    lines = [title]
    if min(found.worked_won, found.worked_lost) < MIN_DECIDED:
        lines.append(
            "  "
            + _(
                "ticks and objections: not enough data, {won} won and {lost} lost deals were "
                "worked in stagecoach (needs {minimum} of each; imported deals record neither)"
            ).format(won=found.worked_won, lost=found.worked_lost, minimum=MIN_DECIDED)
        )
    if not found.differences:
        return [
            *lines,
            "  "
            + _("no difference beyond chance among {tested} (Fisher's exact test, p < {p})").format(
                tested=counted(found.tested, "{count} feature", "{count} features"), p=SIGNIFICANT
            ),
        ]
    lines += ["  " + _difference(report.map, d) for d in found.differences]
    lines.append(
        "  "
        + _("(Fisher's exact test over {tested}; shown when p < {p})").format(
            tested=counted(found.tested, "{count} feature", "{count} features"), p=SIGNIFICANT
        )
    )
    return lines


def _difference(process_map: ProcessMap, difference: Difference) -> str:
    return _("{feature}: {won} of won deals, {lost} of lost deals; {p}").format(
        feature=_feature(process_map, difference),
        won=share_of(difference.feature.won, difference.won),
        lost=share_of(difference.feature.lost, difference.lost),
        p=p_value(difference.p_value),
    )


def _feature(process_map: ProcessMap, difference: Difference) -> str:
    feature = difference.feature
    stage = stage_name(process_map, feature.stage)
    if feature.kind is FeatureKind.TICKED:
        item = item_name(process_map, feature.stage or "", feature.key or "")
        return _("{item} ticked in {stage}").format(item=item, stage=stage)
    if feature.kind is FeatureKind.EVIDENCE:
        item = item_name(process_map, feature.stage or "", feature.key or "")
        return _("{item} ticked with its evidence in {stage}").format(item=item, stage=stage)
    if feature.kind is FeatureKind.OBJECTION:
        return _("objection heard: {objection}").format(
            objection=_objection(process_map, feature.key)
        )
    return _("first response within {hours} hours").format(hours=int(FAST_RESPONSE_DAYS * 24))


def _objection(process_map: ProcessMap, key: str | None) -> str:
    for stage in process_map.stages:
        for entry in stage.playbook:
            if entry.id == key:
                return f"“{entry.objection}”"
    return key or "–"
