"""`/deal settings`: a workspace's map (and version), default time zone and reporting
currency. Anyone reads them; admins change them. What a workspace has not chosen is the
deployment's (bot.core.workspace_settings)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.access import role_of
from bot.core.catalog import MapVersionConflict
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.reporting_currency import CURRENCY_CODE
from bot.core.workspace_settings import forget, workspace_map, workspace_settings
from bot.team.outcomes import Setting, WorkspaceSettingsShown
from bot.team.roster import members
from flows.i18n import LANGUAGES, _
from flows.loader import shipped_map_ids
from storage import queries, workspace_store
from storage.models import Role

PER_CURRENCY = ("none", "off")
DEFAULT_LANGUAGE = "default"


async def show_settings(
    services: Services, actor: Actor, *, changed: Setting | None = None
) -> Outcome:
    chosen = await workspace_settings(services, actor.team_id)
    process_map = await workspace_map(services, actor.team_id)
    people = await members(services, actor.team_id)
    currency = chosen.reporting_currency
    return WorkspaceSettingsShown(
        map_id=process_map.id,
        map_version=process_map.version,
        map_title=process_map.title,
        map_chosen=chosen.map_chosen,
        maps=tuple(sorted(await _map_versions(services))),
        time_zone=chosen.time_zone,
        time_zone_chosen=chosen.time_zone_chosen,
        currency=currency.currency if currency else None,
        currency_chosen=chosen.currency_chosen,
        converted=tuple(sorted(currency.rates)) if currency else (),
        admins=tuple(m for m in people.values() if m.role is Role.ADMIN),
        language=chosen.language,
        changed=changed,
    )


async def choose_map(
    services: Services, actor: Actor, *, map_id: str, version: int | None
) -> Outcome:
    denied = await _not_admin(services, actor)
    if denied:
        return denied
    stored = await _map_versions(services)
    shipped = map_id in shipped_map_ids()
    if not shipped and map_id not in stored:
        return Invalid(
            _("'{map}' is not a map of this deployment").format(map=map_id),
            _("choose one of {maps}, e.g. /deal settings map extended").format(
                maps=", ".join(sorted({*stored, *shipped_map_ids()}))
            ),
        )
    try:
        in_file = (await services.catalog.adopt(services.db, map_id)).version if shipped else None
    except MapVersionConflict as conflict:
        return Invalid(str(conflict), _("ask whoever deploys stagecoach to raise its version"))
    versions = sorted({*stored.get(map_id, ()), *([in_file] if in_file else [])})
    chosen = version if version is not None else (in_file or versions[-1])
    if chosen not in versions:
        return Invalid(
            _("map '{map}' has no version {version} here").format(map=map_id, version=chosen),
            _("its versions are {versions}, e.g. /deal settings map {map} {last}").format(
                versions=", ".join(map(str, versions)), map=map_id, last=versions[-1]
            ),
        )
    await _save(services, actor, map_id=map_id, map_version=chosen)
    return await show_settings(services, actor, changed=Setting.MAP)


async def choose_time_zone(services: Services, actor: Actor, *, zone: str) -> Outcome:
    denied = await _not_admin(services, actor)
    if denied:
        return denied
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return Invalid(
            _("'{zone}' is not a time zone").format(zone=zone),
            _("write one from the tz database, e.g. Europe/Istanbul or America/New_York"),
        )
    await _save(services, actor, time_zone=zone)
    return await show_settings(services, actor, changed=Setting.TIME_ZONE)


async def choose_currency(services: Services, actor: Actor, *, code: str) -> Outcome:
    denied = await _not_admin(services, actor)
    if denied:
        return denied
    if code.lower() in PER_CURRENCY:
        await _save(services, actor, reporting_currency=None, per_currency=True)
        return await show_settings(services, actor, changed=Setting.CURRENCY)
    upper = code.upper()
    if not CURRENCY_CODE.fullmatch(upper):
        return Invalid(
            _("'{code}' is not a currency code").format(code=code),
            _("write a three-letter code such as USD or EUR, or none for money per currency"),
        )
    deployment = services.reporting_currency
    if deployment is not None and deployment.rate(upper) is None:
        return Invalid(
            _("the exchange rates (STAGECOACH_FX_RATES) have no rate for {code}").format(
                code=upper
            ),
            _("choose one they have: {codes}").format(
                codes=", ".join(sorted({deployment.currency, *deployment.rates}))
            ),
        )
    await _save(services, actor, reporting_currency=upper, per_currency=False)
    return await show_settings(services, actor, changed=Setting.CURRENCY)


async def choose_language(services: Services, actor: Actor, *, language: str) -> Outcome:
    """The workspace's language, for whoever Slack gives none (docs/i18n.md); `default`
    goes back to each person's own, else the map's."""
    denied = await _not_admin(services, actor)
    if denied:
        return denied
    chosen = language.casefold()
    if chosen not in (*LANGUAGES, DEFAULT_LANGUAGE):
        return Invalid(
            _("'{language}' is not a language stagecoach speaks").format(language=language),
            _("choose one of {languages}, or default").format(languages=", ".join(LANGUAGES)),
        )
    await _save(services, actor, language=None if chosen == DEFAULT_LANGUAGE else chosen)
    return await show_settings(services, actor, changed=Setting.LANGUAGE)


async def _not_admin(services: Services, actor: Actor) -> NotAllowed | None:
    async with services.db.read() as session:
        role = await role_of(session, services, actor)
    if role is Role.ADMIN:
        return None
    return NotAllowed(
        _("only an admin can change the workspace's settings"),
        _("ask an admin (/deal role lists them); anyone may read them with /deal settings"),
    )


async def _map_versions(services: Services) -> dict[str, list[int]]:
    """Every map this deployment has, with its stored versions (a shipped map not chosen
    yet has none)."""
    async with services.db.read() as session:
        rows = await queries.all_map_versions(session)
    found: dict[str, list[int]] = {map_id: [] for map_id in shipped_map_ids()}
    found.setdefault(services.catalog.current.id, [])
    for row in rows:
        found.setdefault(row.map_id, []).append(row.version)
    return found


async def _save(services: Services, actor: Actor, **values: object) -> None:
    async with services.db.write() as session:
        await workspace_store.save_workspace_setting(
            session, team_id=actor.team_id, values={**values, "updated_by": actor.user_id}
        )
    forget(services, actor.team_id)
