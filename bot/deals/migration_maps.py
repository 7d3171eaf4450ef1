"""The two map versions a migration moves deals between, named as `stagecoach maps migrate`
names them (docs/maps.md): `--from ID@N` is a version this database holds a copy of;
`--to` is `ID@N` (a stored copy, else the map file STAGECOACH_MAP names or the shipped map
of that id, when it has that version) or the path of a YAML file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.context import Services
from flows.i18n import _
from flows.loader import SHIPPED_DIR, parse_map
from flows.problems import MapError
from flows.schema import MAP_ID_PATTERN, ProcessMap
from storage import queries

REF = re.compile(rf"^(?P<id>{MAP_ID_PATTERN})@(?P<version>[0-9]+)$")


class MigrationError(Exception):
    """A migration that cannot start: the message says what was wrong and what is right."""


@dataclass(frozen=True, slots=True)
class VersionRef:
    map_id: str
    version: int

    @classmethod
    def parse(cls, text: str, *, option: str) -> VersionRef:
        found = REF.match(text.strip())
        if found is None:
            raise MigrationError(
                _("{option} {text}: name a map version as ID@VERSION, e.g. default@1").format(
                    option=option, text=text
                )
            )
        return cls(found["id"], int(found["version"]))


@dataclass(frozen=True, slots=True)
class TargetMap:
    """The version deals move onto, with its YAML (stored before any deal moves)."""

    process_map: ProcessMap
    source: str


async def source_map(services: Services, ref: VersionRef) -> ProcessMap:
    found = await services.catalog.stored(services.db, map_id=ref.map_id, version=ref.version)
    if found is None:
        raise MigrationError(
            _(
                "--from {id}@{v}: this database holds no copy of that version, so no deal is "
                "on it; `stagecoach maps versions` lists the versions deals are on"
            ).format(id=ref.map_id, v=ref.version)
        )
    return found


async def target_map(services: Services, text: str, *, map_file: str | None) -> TargetMap:
    """`--to`: ID@N, or a YAML file's path."""
    if REF.match(text.strip()) is None:
        return _from_file(Path(text), text)
    ref = VersionRef.parse(text, option="--to")
    stored = await services.catalog.stored(services.db, map_id=ref.map_id, version=ref.version)
    if stored is not None:
        async with services.db.read() as session:
            row = await queries.map_version(session, map_id=ref.map_id, version=ref.version)
        assert row is not None
        return TargetMap(stored, row.source)
    for path in _candidate_files(ref.map_id, map_file):
        found = _from_file(path, str(path))
        if (found.process_map.id, found.process_map.version) == (ref.map_id, ref.version):
            return found
    raise MigrationError(
        _(
            "--to {id}@{v}: no stored copy, and no map file with id '{id}' and version {v} "
            "(STAGECOACH_MAP or the shipped map); pass the new map's file: --to path/to/{id}.yml"
        ).format(id=ref.map_id, v=ref.version)
    )


def _candidate_files(map_id: str, map_file: str | None) -> list[Path]:
    paths = [Path(map_file)] if map_file and Path(map_file).is_file() else []
    shipped = SHIPPED_DIR / f"{map_id}.yml"
    return [*paths, shipped] if shipped.is_file() else paths


def _from_file(path: Path, text: str) -> TargetMap:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MigrationError(
            _("--to {text}: not ID@VERSION, and no readable file there ({reason})").format(
                text=text, reason=getattr(exc, "strerror", None) or exc
            )
        ) from exc
    try:
        return TargetMap(parse_map(source, file=str(path)), source)
    except MapError as exc:
        raise MigrationError(
            _("--to {file} does not load:\n{problems}").format(file=path, problems=exc)
        ) from exc


def check_pair(source: ProcessMap, target: ProcessMap) -> None:
    if target.id != source.id:
        raise MigrationError(
            _(
                "--to is map '{to}', --from is map '{from_}': deals move between versions "
                "of one map; give --to a version of '{from_}'"
            ).format(to=target.id, from_=source.id)
        )
    if target.version == source.version:
        raise MigrationError(
            _(
                "--to is version {v} of '{id}', the version the deals are on already; raise "
                "`version` in the new map file"
            ).format(v=target.version, id=target.id)
        )
