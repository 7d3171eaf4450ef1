"""`stagecoach maps migrate` (move open deals onto another map version) and `stagecoach maps
versions` (which versions deals are on). The rules: bot.deals.map_migration; docs/maps.md.

migrate exits 0 when every open deal moved (or, with --dry-run, would), 1 when some could
not be decided (listed; nothing moved) or the run was interrupted (the same command again
continues it), 2 for options, maps or a mapping file it cannot use (nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bot.cli.event_loop import run
from bot.cli.workspace import FAILED, OK, CliError, fail, with_services
from bot.core.catalog import MapVersionConflict
from bot.core.context import Services
from bot.core.slack_ids import user_id
from bot.deals.map_migration import BATCH, MigrationReport, MigrationRequest, migrate
from bot.deals.migration_maps import (
    MigrationError,
    VersionRef,
    check_pair,
    source_map,
    target_map,
)
from bot.deals.migration_plan import DealPlan, Undecided
from bot.views.counts import counted
from flows.i18n import _
from flows.problems import MapError
from flows.schema import ProcessMap
from flows.stage_mapping import StageMapping, map_ref, parse_stage_mapping
from storage import queries

SYSTEM_ACTOR = "stagecoach"  # the history's "who" when --by names nobody


def register(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = actions.add_parser(
        "migrate",
        help=_("move open deals onto another version of their map"),
        description=_("See docs/maps.md, 'Moving open deals to a new version'."),
    )
    command.add_argument("--from", dest="source", required=True, metavar="ID@N", help=_("the version the deals are on, e.g. default@1"))  # fmt: skip
    command.add_argument("--to", dest="target", required=True, metavar="ID@N|FILE", help=_("the new version: ID@N (stored, STAGECOACH_MAP or shipped) or a map file"))  # fmt: skip
    command.add_argument("--mapping", type=Path, metavar="FILE", help=_("YAML: where the deals of renamed or merged stages go"))  # fmt: skip
    command.add_argument("--dry-run", action="store_true", help=_("say what would happen to each deal; write nothing"))  # fmt: skip
    command.add_argument("--by", type=_user, metavar="USER", help=_("the Slack user id the history names as having moved the deals (default: the word stagecoach)"))  # fmt: skip
    command.add_argument("--batch", type=_positive, default=BATCH, help=_("deals per transaction (default: {n})").format(n=BATCH))  # fmt: skip
    command.set_defaults(handler=migrate_command)
    versions = actions.add_parser("versions", help=_("the map versions stored here and how many deals are on each"))  # fmt: skip
    versions.set_defaults(handler=versions_command)


def _user(text: str) -> str:
    found = user_id(text.strip())
    if found is None:
        raise argparse.ArgumentTypeError(_("a Slack user id such as U012AB3CD (the admin who runs it)"))  # fmt: skip
    return found


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(_("a whole number of 1 or more"))
    return int(text)


def migrate_command(args: argparse.Namespace) -> int:
    moved = [0]

    async def action(services: Services) -> MigrationReport:
        request = await _request(services, args)
        return await migrate(services, request, progress=lambda n: _progress(moved, n))

    try:
        report = run(with_services(action))
    except CliError as error:
        return fail(error)
    except (MigrationError, MapVersionConflict) as error:
        return fail(CliError(str(error)))
    except (Exception, KeyboardInterrupt) as error:  # the database went away, Ctrl-C…
        print(_("stagecoach: interrupted after {moved}: {error}\nrun the same command again to move the rest").format(moved=counted(moved[0], "{count} deal moved", "{count} deals moved"), error=error), file=sys.stderr)  # fmt: skip
        return FAILED
    if moved[0] and sys.stderr.isatty():
        print(file=sys.stderr)
    _print_report(report)
    return FAILED if report.undecided else OK


def _progress(moved: list[int], count: int) -> None:
    moved[0] = count
    if sys.stderr.isatty():  # a count that rewrites itself; a log file gets the summary only
        print(_("moved {count}…").format(count=count), file=sys.stderr, end="\r", flush=True)


async def _request(services: Services, args: argparse.Namespace) -> MigrationRequest:
    source = await source_map(services, VersionRef.parse(args.source, option="--from"))
    target = await target_map(services, args.target, map_file=services.catalog.map_file)
    check_pair(source, target.process_map)
    mapping = _mapping(args.mapping, source, target.process_map)
    return MigrationRequest(
        source=source,
        target=target.process_map,
        target_yaml=target.source,
        mapping=mapping,
        actor_id=args.by or SYSTEM_ACTOR,
        dry_run=args.dry_run,
        batch=args.batch,
    )


def _mapping(path: Path | None, source: ProcessMap, target: ProcessMap) -> StageMapping:
    if path is None:
        return StageMapping()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise CliError(_("--mapping {file}: cannot read it ({reason})").format(file=path, reason=reason)) from exc  # fmt: skip
    try:
        return parse_stage_mapping(text, file=str(path), source=source, target=target)
    except MapError as exc:
        raise CliError(_("the mapping file has mistakes; nothing was moved:\n{problems}").format(problems=exc)) from exc  # fmt: skip


def _print_report(report: MigrationReport) -> None:
    request = report.request
    source, target = request.source, request.target
    for plan in report.plans:
        print(deal_line(plan, source, target))
    for undecided in report.undecided:
        print(undecided_line(undecided))
    print(summary(report))


def deal_line(plan: DealPlan, source: ProcessMap, target: ProcessMap) -> str:
    """One deal, as the dry run and the run both print it."""
    note = plan.note
    parts = [counted(len(note.carried), "{count} tick carried", "{count} ticks carried")]
    if note.opened:
        parts.append(_("open: {items}").format(items=", ".join(note.opened)))
    if note.dropped:
        parts.append(_("dropped: {items}").format(items=", ".join(note.dropped)))
    if note.reset:
        parts.append(_("reset (its value no longer fits): {items}").format(items=", ".join(note.reset)))  # fmt: skip
    where = (
        _("{old} → {new}").format(
            old=_stage_label(source, plan.from_stage), new=_stage_label(target, plan.to_stage)
        )
        if plan.stage_changed
        else _("stays in {stage}").format(stage=_stage_label(target, plan.to_stage))
    )
    return _("#{id} {name} ({team}): {where}; {parts}").format(
        id=plan.deal_id, name=plan.name, team=plan.team_id, where=where, parts="; ".join(parts)
    )


def _stage_label(process_map: ProcessMap, stage_id: str) -> str:
    name = process_map.stage(stage_id).name if process_map.has_stage(stage_id) else stage_id
    return f"{name} [{stage_id}]"


def undecided_line(undecided: Undecided) -> str:
    return _("#{id} {name} ({team}): NOT MOVED: {reason}").format(
        id=undecided.deal_id, name=undecided.name, team=undecided.team_id, reason=undecided.reason
    )


def summary(report: MigrationReport) -> str:
    request = report.request
    refs = {"old": map_ref(request.source), "new": map_ref(request.target)}
    deals = counted(len(report.plans), "{count} open deal", "{count} open deals")
    if report.dry_run and report.undecided:
        head = _("dry run: {deals} could move from {old} to {new}, but the run would move nothing until every deal can be decided").format(deals=deals, **refs)  # fmt: skip
    elif report.dry_run:
        head = _("dry run: would move {deals} from {old} to {new}").format(deals=deals, **refs)
    elif report.refused:
        head = _("nothing moved: {deals} could be moved from {old} to {new}, but").format(deals=deals, **refs)  # fmt: skip
    else:
        head = _("moved {deals} from {old} to {new}").format(deals=deals, **refs)
    changes = Counter((p.from_stage, p.to_stage) for p in report.plans if p.stage_changed)
    lines = [head]
    lines += [_("  {old} → {new}: {deals}").format(old=old, new=new, deals=counted(n, "{count} deal", "{count} deals")) for (old, new), n in sorted(changes.items())]  # fmt: skip
    if report.undecided:
        lines.append(_("  {deals} could not be decided (listed above): add their stages to the mapping file and run again").format(deals=counted(len(report.undecided), "{count} deal", "{count} deals")))  # fmt: skip
    if report.moved_before:
        lines.append(_("  {deals} moved by an earlier run of this migration").format(deals=counted(report.moved_before, "{count} deal", "{count} deals")))  # fmt: skip
    return "\n".join(lines)


def versions_command(_args: argparse.Namespace) -> int:
    async def action(services: Services) -> list[str]:
        async with services.db.read() as session:
            stored = await queries.all_map_versions(session)
            counts = await queries.deals_per_map_version(session)
        lines = [f"{_('MAP'):<16} {_('VERSION'):>7} {_('OPEN'):>7} {_('OTHERS'):>7}  {_('STORED')}"]
        for row in sorted(stored, key=lambda r: (r.map_id, r.version)):
            mine = {status: n for (m, v, status), n in counts.items() if (m, v) == (row.map_id, row.version)}  # fmt: skip
            opened = mine.pop("open", 0)
            lines.append(f"{row.map_id:<16} {row.version:>7} {opened:>7} {sum(mine.values()):>7}  {row.loaded_at:%Y-%m-%d %H:%M}")  # fmt: skip
        return lines

    try:
        print("\n".join(run(with_services(action))))
    except CliError as error:
        return fail(error)
    return OK
