"""`stagecoach maps …`: list, show, lint and diagram process maps (`maps actual`, what
deals did on one, reads the database: bot.cli.maps_actual).

Every failure is one clear message on stderr and an exit code, never a traceback:
1 for a map that does not load or a file that cannot be read or written, 2 for a usage mistake.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from bot.cli import map_migration, maps_actual
from bot.core.local_formats import percent_text
from bot.views.counts import counted
from flows.diagram import UnknownStageError, build_diagram
from flows.diagram_mermaid import to_mermaid
from flows.diagram_png import to_png
from flows.i18n import _
from flows.lint import lint_file
from flows.loader import load_map, resolve_map_path, shipped_map_ids
from flows.problems import MapError, Problem, severity_word
from flows.schema import Evidence, EvidenceType, ExitItem, ProcessMap, Stage

OK, FAILED, USAGE = 0, 1, 2
STDOUT = "-"
WIDTH = 100
Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    maps = subparsers.add_parser("maps", help=_("list, show, lint, draw and migrate process maps"))
    actions = maps.add_subparsers(dest="maps_action", metavar="ACTION")
    maps.set_defaults(handler=_help_of(maps))
    listing = actions.add_parser("list", help=_("the shipped maps: id, version, stages, title"))
    listing.set_defaults(handler=list_maps)
    show = actions.add_parser("show", help=_("a map as readable text, stage by stage"))
    _add_ref(show)
    show.set_defaults(handler=show_map)
    lint = actions.add_parser("lint", help=_("check a map for errors and for the mistakes the source warns about"))  # fmt: skip
    _add_ref(lint)
    lint.add_argument("--strict", action="store_true", help=_("exit 1 on warnings too"))
    lint.set_defaults(handler=lint_map_command)
    _register_diagram(actions)
    maps_actual.register(actions)  # the one maps command that reads the database
    map_migration.register(actions)


def _register_diagram(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diagram = actions.add_parser("diagram", help=_("draw a map as Mermaid text or a PNG image"))
    _add_ref(diagram)
    diagram.add_argument(
        "--format",
        choices=("mermaid", "png"),
        help=_("output format (default: png when FILE ends in .png, else mermaid)"),
    )
    diagram.add_argument(
        "-o", "--output", default=STDOUT, metavar="FILE", help=_("where to write (default: stdout, Mermaid only)")
    )  # fmt: skip
    diagram.add_argument("--highlight", metavar="STAGE", help=_("a stage id to draw highlighted"))
    diagram.set_defaults(handler=diagram_command)


def _add_ref(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("map", metavar="MAP", help=_("a shipped map id or a path to a YAML file"))


def _help_of(parser: argparse.ArgumentParser) -> Handler:
    def show_help(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return USAGE

    return show_help


# -- list ------------------------------------------------------------------------------------


def list_maps(_args: argparse.Namespace) -> int:
    ids = shipped_map_ids()
    if not ids:
        return _fail(_("no shipped maps found"))
    print(f"{_('ID'):<16} {_('VERSION'):>7} {_('STAGES'):>6} {_('MAIN'):>4} {_('SIDE'):>4}  {_('TITLE')}")  # fmt: skip
    status = OK
    for map_id in ids:
        try:
            found = load_map(map_id)
        except MapError as exc:
            _print_problems(exc.problems)
            status = FAILED
            continue
        main, side = _main_path_and_side(found)
        print(f"{found.id:<16} {found.version:>7} {main + side:>6} {main:>4} {side:>4}  {found.title}")  # fmt: skip
    return status


# -- show ------------------------------------------------------------------------------------


def show_map(args: argparse.Namespace) -> int:
    process_map = _load(args.map)
    if process_map is None:
        return FAILED
    print("\n".join(map_text(process_map)))
    return OK


def map_text(process_map: ProcessMap) -> list[str]:
    """The whole map as lines of text: its header, then every stage in map order."""
    lines = [
        _("{title} — {id}, version {version}").format(
            title=process_map.title, id=process_map.id, version=process_map.version
        )
    ]
    lines.append(stage_counts_text(process_map))
    lines += _wrapped(process_map.description, indent="") if process_map.description else []
    if process_map.lost_reasons:
        lines.append(
            _("lost reasons: {reasons}").format(reasons="; ".join(process_map.lost_reasons))
        )
    for number, stage in enumerate(process_map.stages, start=1):
        lines += ["", *_stage_text(process_map, stage, number=number)]
    return lines


def stage_counts_text(process_map: ProcessMap) -> str:
    """Counted from the stages, never written by hand: `maps list` counts the same way."""
    main, side = _main_path_and_side(process_map)
    return _("{total} stages: {main} on the main path, {side} side stages").format(
        total=main + side, main=main, side=side
    )


def _main_path_and_side(process_map: ProcessMap) -> tuple[int, int]:
    """Stages a deal moves along (the win and after it included), and the exits beside."""
    main = len(process_map.open_stages)
    return main, len(process_map.stages) - main


def _stage_text(process_map: ProcessMap, stage: Stage, *, number: int) -> list[str]:
    lines = [f"{number}. {stage.name} [{stage.id}]{_marker(process_map, stage)}"]
    lines.append("   " + _("owner: {owner} · probability: {p}").format(owner=stage.owner, p=percent_text(stage.probability / 100)))  # fmt: skip
    lines += _wrapped(_("entry: {text}").format(text=stage.entry))
    lines.append("   " + _("activities:"))
    lines += [
        line for activity in stage.activities for line in _wrapped(f"- {activity}", indent="     ")
    ]
    if stage.exit:
        lines.append("   " + _("exit:"))
        lines += [
            line for item in stage.exit for line in _wrapped(_item_text(item), indent="     ")
        ]
    lines += _moves_text(process_map, stage)
    return lines


def _marker(process_map: ProcessMap, stage: Stage) -> str:
    if stage.won:
        return " — " + _("the win")
    if not stage.is_open:
        return " — " + _("side stage: {kind}").format(kind=stage.kind.value)
    return " — " + _("after the win") if process_map.is_post_sale(stage.id) else ""


def _item_text(item: ExitItem) -> str:
    box = "[ ]" if item.required else "( )"
    optional = "" if item.required else " " + _("(optional)")
    validated = " " + _("(a manager validates it)") if item.validate_by else ""
    evidence = " " + _evidence_text(item.evidence) if item.evidence else ""
    return f"{box} {item.text}{optional}{validated}{evidence}"


def _evidence_text(evidence: Evidence) -> str:
    """The prompt, and its type as the map writes it (text, the default, goes unsaid)."""
    if evidence.type is EvidenceType.TEXT:
        return _("— evidence: {prompt}").format(prompt=evidence.prompt)
    kind = evidence.type.value
    if evidence.type is EvidenceType.CHOICE:
        kind = f"{kind}: {', '.join(evidence.options)}"
    return _("— evidence: {prompt} ({kind})").format(prompt=evidence.prompt, kind=kind)


def _moves_text(process_map: ProcessMap, stage: Stage) -> list[str]:
    lines = []
    following = process_map.next_stage_id(stage)
    if following:
        lines.append("   " + _("advance to: {stage}").format(stage=following))
    if stage.branches:
        branches = ", ".join(branch.value for branch in stage.branches)
        lines.append("   " + _("branches: {branches}").format(branches=branches))
    if stage.reopen:
        lines.append("   " + _("reopen to: {stages}").format(stages=", ".join(stage.reopen)))
    if stage.playbook:
        lines.append("   " + _("playbook: {count} objections").format(count=len(stage.playbook)))
    return lines


def _wrapped(text: str, *, indent: str = "   ") -> list[str]:
    # Continuation lines hang two spaces in, so a wrapped item still reads as one item.
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


# -- lint ------------------------------------------------------------------------------------


def lint_map_command(args: argparse.Namespace) -> int:
    path = _path(args.map)
    if path is None:
        return FAILED
    try:
        warnings = lint_file(path)
    except MapError as exc:
        _print_problems(exc.problems)
        return FAILED
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(_("cannot read {file}: {reason}").format(file=path, reason=exc))
    if not warnings:
        stages = len(load_map(path).stages)
        print(_("ok: {file} — {count} stages, no problems").format(file=path, count=stages))
        return OK
    print(*warnings, sep="\n")
    found = counted(len(warnings), "{count} warning", "{count} warnings")
    print(_("{file}: {warnings}").format(file=path, warnings=found))
    return FAILED if args.strict else OK


# -- diagram ---------------------------------------------------------------------------------


def diagram_command(args: argparse.Namespace) -> int:
    fmt = args.format or ("png" if args.output.lower().endswith(".png") else "mermaid")
    if fmt == "png" and args.output == STDOUT:
        return _fail(_("a PNG needs a file: add -o FILE.png"), code=USAGE)
    process_map = _load(args.map)
    if process_map is None:
        return FAILED
    try:
        diagram = build_diagram(process_map, highlight=args.highlight)
    except UnknownStageError as exc:
        return _fail(_("--highlight: {reason}").format(reason=exc), code=USAGE)
    if fmt == "mermaid" and args.output == STDOUT:
        sys.stdout.write(to_mermaid(diagram))
        return OK
    data = to_png(diagram) if fmt == "png" else to_mermaid(diagram).encode("utf-8")
    return _write(Path(args.output), data)


def _write(path: Path, data: bytes) -> int:
    try:
        path.write_bytes(data)
    except OSError as exc:
        return _fail(
            _("cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
        )
    print(_("wrote {file} ({size} bytes)").format(file=path, size=len(data)))
    return OK


# -- shared ----------------------------------------------------------------------------------


def _path(ref: str) -> Path | None:
    try:
        return resolve_map_path(ref)
    except MapError as exc:
        _print_problems(exc.problems)
        return None


def _load(ref: str) -> ProcessMap | None:
    path = _path(ref)
    if path is None:
        return None
    try:
        return load_map(path)
    except MapError as exc:
        _print_problems(exc.problems)
    except (OSError, UnicodeDecodeError) as exc:
        _fail(_("cannot read {file}: {reason}").format(file=path, reason=exc))
    return None


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        # A problem with no position (a map that was not found) reads better as one line.
        text = str(problem) if problem.line else _unplaced(problem)
        print(text, file=sys.stderr)


def _unplaced(problem: Problem) -> str:
    hint = f" ({problem.hint})" if problem.hint else ""
    return f"{problem.file}: {severity_word(problem.severity)}: {problem.message}{hint}"


def _fail(message: str, *, code: int = FAILED) -> int:
    print(_("error: {message}").format(message=message), file=sys.stderr)
    return code
