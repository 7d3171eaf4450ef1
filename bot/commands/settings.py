"""`/deal settings`: the workspace's map, time zone and reporting currency (bot.team.settings)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import SETTINGS_NAMES, in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.team.outcomes import Setting
from bot.team.settings import (
    choose_currency,
    choose_language,
    choose_map,
    choose_time_zone,
    show_settings,
)
from flows.i18n import N_, _

MAP_EXAMPLE = "/deal settings map extended"
_NAMES = {"map": Setting.MAP, "timezone": Setting.TIME_ZONE, "tz": Setting.TIME_ZONE}
_NAMES["currency"] = Setting.CURRENCY
_NAMES["language"] = Setting.LANGUAGE
_EXAMPLES = {
    Setting.MAP: MAP_EXAMPLE,
    Setting.TIME_ZONE: "/deal settings timezone Europe/Istanbul",
    Setting.CURRENCY: "/deal settings currency EUR",
    Setting.LANGUAGE: "/deal settings language tr",
}


@dataclass(frozen=True, slots=True)
class SettingsArgs:
    setting: Setting | None = None  # None: show them all
    value: str = ""
    version: int | None = None  # a map's version


def _parse(rest: str) -> SettingsArgs | Refused:
    words = rest.split()
    if not words:
        return SettingsArgs()
    setting = _NAMES.get(in_english(words[0], SETTINGS_NAMES))  # `harita`, `döviz`…
    if setting is None:
        return Refused(
            _("'{word}' is not a setting").format(word=words[0]),
            _("the settings are map, timezone, currency and language, e.g. {example}").format(
                example=MAP_EXAMPLE
            ),
        )
    values = words[1:]
    most = 2 if setting is Setting.MAP else 1
    if not values or len(values) > most:
        return Refused(
            _("{setting} takes {what}").format(setting=setting.value, what=_what(setting)),
            _("e.g. {example}").format(example=_EXAMPLES[setting]),
        )
    if setting is Setting.MAP:
        return _map_args(values)
    return SettingsArgs(setting, values[0])


def _what(setting: Setting) -> str:
    if setting is Setting.MAP:
        return _("a map id, and a version if not the newest")
    if setting is Setting.TIME_ZONE:
        return _("one time zone")
    if setting is Setting.LANGUAGE:
        return _("one language: en, tr, or default")
    return _("one currency code, or none")


def _map_args(values: list[str]) -> SettingsArgs | Refused:
    version = values[1].lstrip("v") if len(values) > 1 else None
    if version is not None and not (version.isascii() and version.isdigit()):
        return Refused(
            _("'{word}' is not a version number").format(word=values[1]),
            _("write the version as a number, e.g. {example} 2").format(example=MAP_EXAMPLE),
        )
    return SettingsArgs(Setting.MAP, values[0].lower(), int(version) if version else None)


async def _settings(services: Services, actor: Actor, args: SettingsArgs) -> Answer:
    if args.setting is Setting.MAP:
        return await choose_map(services, actor, map_id=args.value, version=args.version)
    if args.setting is Setting.TIME_ZONE:
        return await choose_time_zone(services, actor, zone=args.value)
    if args.setting is Setting.CURRENCY:
        return await choose_currency(services, actor, code=args.value)
    if args.setting is Setting.LANGUAGE:
        return await choose_language(services, actor, language=args.value)
    return await show_settings(services, actor)


SETTINGS = CommandSpec(
    "settings",
    "/deal settings [map <id> [version] | timezone <zone> | currency <code|none> | language <en|tr|default>]",
    N_("The workspace's map, time zone, reporting currency and language; admins: change them"),
    _parse,
    _settings,
    (
        "/deal settings",
        MAP_EXAMPLE,
        "/deal settings timezone Europe/Istanbul",
        "/deal settings currency EUR",
        "/deal settings language tr",
    ),
    group="admin",
    details=N_(
        "Anyone may read the settings; only an admin changes them. The map is the one new "
        "deals follow, onboarding teaches and reports use; deals keep the map version they "
        "were created under. The time zone is used for digests when a subscriber's own is "
        "unknown. The reporting currency adds money KPIs up at the deployment's exchange "
        "rates (none: money per currency). What a workspace has not set is the deployment's "
        "(STAGECOACH_MAP, UTC, STAGECOACH_REPORTING_CURRENCY). The language is for people whose "
        "Slack language stagecoach does not speak; default: the map's."
    ),
)
