"""Load a process map from YAML: every problem found in one pass, each with file:line:column."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from flows.field_errors import problems_from
from flows.i18n import _
from flows.problems import MapError, Problem
from flows.schema import ProcessMap
from flows.validate import cross_check
from flows.yaml_positions import PositionedYaml, load_positioned

SHIPPED_DIR = Path(__file__).parent / "maps"
DEFAULT_MAP_ID = "default"


def shipped_map_ids() -> list[str]:
    return sorted(path.stem for path in SHIPPED_DIR.glob("*.yml"))


def resolve_map_path(ref: str) -> Path:
    """A shipped map id (`default`, `extended`, `default-tr`...) or a path to a YAML file."""
    shipped = SHIPPED_DIR / f"{ref}.yml"
    if shipped.is_file():
        return shipped
    path = Path(ref)
    if path.is_file():
        return path
    raise MapError(
        [
            Problem(
                file=ref,
                line=0,
                column=0,
                path=(),
                message=_("no shipped map with this id and no file at this path"),
                hint=_("shipped maps: ") + ", ".join(shipped_map_ids()),
            )
        ]
    )


def load_map(ref: str | Path) -> ProcessMap:
    """Load and validate a map; raises MapError listing every problem found."""
    path = ref if isinstance(ref, Path) else resolve_map_path(ref)
    return parse_map(path.read_text(encoding="utf-8"), file=str(path))


@cache
def load_shipped(map_id: str) -> ProcessMap:
    """A shipped map, parsed once per process."""
    return load_map(SHIPPED_DIR / f"{map_id}.yml")


def parse_map(text: str, *, file: str = "<map>") -> ProcessMap:
    try:
        document = load_positioned(text)
    except yaml.YAMLError as exc:
        raise MapError([_syntax_problem(exc, file)]) from exc
    problems = [_locate(document, file, *found) for found in cross_check(document.data)]
    try:
        process_map = ProcessMap.model_validate(_as_mapping(document.data))
    except ValidationError as exc:
        found = [_locate(document, file, *item) for item in problems_from(exc, ProcessMap)]
        raise MapError(found + problems) from exc
    if problems:
        raise MapError(problems)
    return process_map


def _as_mapping(data: object) -> object:
    # An empty file or a bare list would give pydantic's generic "Input should be a valid
    # dictionary"; an empty mapping gives one "missing required field" per field instead.
    return data if isinstance(data, dict) else {}


def _locate(
    document: PositionedYaml, file: str, path: tuple[str | int, ...], message: str, hint: str
) -> Problem:
    line, column = document.position(path)
    return Problem(file=file, line=line, column=column, path=path, message=message, hint=hint)


def _syntax_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(
        file=file,
        line=line,
        column=column,
        path=(),
        message=_("not valid YAML: {problem}").format(problem=getattr(exc, "problem", exc)),
        hint=_("check indentation and quoting around this line"),
    )
