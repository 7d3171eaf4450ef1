"""Which map each deal follows: the deployment's current map, and every older version
that deals were created under (kept in the database, so a deal keeps its map version
after the YAML file changes, until it is migrated explicitly)."""

from __future__ import annotations

from flows.i18n import _
from flows.loader import load_map, parse_map, resolve_map_path
from flows.machine import Flow, flow_for
from flows.schema import ProcessMap
from storage import queries
from storage.database import Database


class MapVersionConflict(Exception):
    """The map file changed but kept its version number."""


class MapCatalog:
    def __init__(self, current: ProcessMap, *, source: str, map_file: str | None = None) -> None:
        self.current = current
        self._source = source
        self.map_file = map_file  # the YAML file the current map was read from
        self._maps: dict[tuple[str, int], ProcessMap] = {(current.id, current.version): current}

    @classmethod
    def from_ref(cls, ref: str) -> MapCatalog:
        """`ref` is a shipped map id or a YAML path (STAGECOACH_MAP); raises MapError."""
        path = resolve_map_path(ref)
        source = path.read_text(encoding="utf-8")
        return cls(load_map(path), source=source, map_file=str(path))

    async def register(self, db: Database) -> None:
        """Keep a copy of the current map version (refusing an edited map that kept its
        version), and load every stored version, so requests never parse a map or wait for
        a second connection while they hold a deal's lock."""
        async with db.write() as session:
            await queries.insert_map_version(
                session,
                map_id=self.current.id,
                version=self.current.version,
                title=self.current.title,
                source=self._source,
            )
            stored = await queries.all_map_versions(session)
        for row in stored:
            parsed = parse_map(row.source, file=f"{row.map_id}@v{row.version}")
            if (row.map_id, row.version) == (self.current.id, self.current.version):
                self._refuse_edited(parsed)
            else:
                self._maps[(row.map_id, row.version)] = parsed

    def _refuse_edited(self, stored: ProcessMap) -> None:
        if stored != self.current:
            raise MapVersionConflict(
                _(
                    "map '{id}' version {version} differs from the copy deals were created "
                    "under; raise 'version' in the map file to publish the change"
                ).format(id=self.current.id, version=self.current.version)
            )

    async def publish(self, db: Database, process_map: ProcessMap, *, source: str) -> None:
        """Keep a copy of another version of a map (a migration's target: deals move onto
        it), refusing one that differs from the copy stored under the same version."""
        async with db.write() as session:
            stored = await queries.map_version(
                session, map_id=process_map.id, version=process_map.version
            )
            if stored is None:
                await queries.insert_map_version(
                    session,
                    map_id=process_map.id,
                    version=process_map.version,
                    title=process_map.title,
                    source=source,
                )
        key = (process_map.id, process_map.version)
        if (
            stored is not None
            and parse_map(stored.source, file=f"{key[0]}@v{key[1]}") != process_map
        ):
            raise MapVersionConflict(
                _(
                    "map '{id}' version {version} is stored here with other content; raise "
                    "'version' in the new map file"
                ).format(id=process_map.id, version=process_map.version)
            )
        self._maps[key] = process_map

    async def stored(self, db: Database, *, map_id: str, version: int) -> ProcessMap | None:
        """A version of a map this database holds a copy of, else None."""
        try:
            return await self.get(db, map_id=map_id, version=version)
        except LookupError:
            return None

    async def adopt(self, db: Database, ref: str) -> ProcessMap:
        """A shipped map (`ref` is its id) made available to deals, as `register` does for
        the current one: a workspace choosing it (`/deal settings map`) gets it stored."""
        path = resolve_map_path(ref)
        found = load_map(path)
        key = (found.id, found.version)
        async with db.write() as session:
            await queries.insert_map_version(
                session,
                map_id=found.id,
                version=found.version,
                title=found.title,
                source=path.read_text(encoding="utf-8"),
            )
        stored = await self.get(db, map_id=found.id, version=found.version)
        if stored != found:
            raise MapVersionConflict(
                _(
                    "map '{id}' version {version} differs from the copy deals were created "
                    "under; raise 'version' in the map file to publish the change"
                ).format(id=found.id, version=found.version)
            )
        self._maps.setdefault(key, found)
        return stored

    async def get(self, db: Database, *, map_id: str, version: int) -> ProcessMap:
        key = (map_id, version)
        if key not in self._maps:
            async with db.read() as session:
                stored = await queries.map_version(session, map_id=map_id, version=version)
            if stored is None:
                raise LookupError(f"map {map_id} v{version} is not in this database")
            self._maps[key] = parse_map(stored.source, file=f"{map_id}@v{version}")
        return self._maps[key]

    async def flow(self, db: Database, *, map_id: str, version: int) -> Flow:
        return flow_for(await self.get(db, map_id=map_id, version=version))

    def loaded_flow(self, *, map_id: str, version: int) -> Flow | None:
        """The flow of a map version already in memory, else None (no database read)."""
        found = self._maps.get((map_id, version))
        return flow_for(found) if found is not None else None

    @property
    def current_flow(self) -> Flow:
        return flow_for(self.current)
