"""`/deal settings`: what the workspace uses, which of it is its own choice and which the
deployment's default, and how an admin changes each."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.team.outcomes import Setting, WorkspaceSettingsShown
from bot.views.blocks import context, section
from bot.views.message import Message
from bot.views.mrkdwn import bold, escape
from bot.views.roles import MAX_NAMED, member_name
from flows.i18n import N_, _

LANGUAGE_NAMES = {"en": N_("English"), "tr": N_("Turkish")}
_CHANGED = {
    Setting.MAP: N_("The map is changed: new deals follow it; deals keep their own version."),
    Setting.TIME_ZONE: N_("The time zone is changed."),
    Setting.CURRENCY: N_("The reporting currency is changed."),
    Setting.LANGUAGE: N_("The language is changed."),
}


def workspace_settings_message(outcome: WorkspaceSettingsShown) -> Message:
    lines = [_map_line(outcome), _zone_line(outcome), _currency_line(outcome)]
    lines += [_language_line(outcome), _admins(outcome)]
    blocks: list[Block] = [section(line) for line in lines]
    hint = _(
        "Admins change them: /deal settings map <{maps}> [version] · timezone <zone> · "
        "currency <code|none> · language <en|tr|default>"
    ).format(maps="|".join(outcome.maps))
    blocks.append(context(escape(hint)))
    title = _("Workspace settings")
    if outcome.changed is not None:
        title = ":white_check_mark: " + _(_CHANGED[outcome.changed])
    blocks.insert(0, section(bold(title)))
    return Message(text=title + "\n" + "\n".join(lines), blocks=blocks)


def _default(chosen: bool) -> str:
    return "" if chosen else " " + _("(the deployment's default)")


def _map_line(outcome: WorkspaceSettingsShown) -> str:
    return _("Map: {title} ({id} v{version}){default}").format(
        title=escape(outcome.map_title),
        id=escape(outcome.map_id),
        version=outcome.map_version,
        default=_default(outcome.map_chosen),
    )


def _zone_line(outcome: WorkspaceSettingsShown) -> str:
    return _("Time zone: {zone}{default}").format(
        zone=escape(outcome.time_zone), default=_default(outcome.time_zone_chosen)
    )


def _currency_line(outcome: WorkspaceSettingsShown) -> str:
    default = _default(outcome.currency_chosen)
    if outcome.currency is None:
        return _("Reporting currency: none, money is reported per currency{default}").format(
            default=default
        )
    if not outcome.converted:
        return _(
            "Reporting currency: {code}{default}; no exchange rates, so other currencies are "
            "reported apart"
        ).format(code=outcome.currency, default=default)
    return _("Reporting currency: {code}{default}, converting {codes}").format(
        code=outcome.currency, default=default, codes=", ".join(outcome.converted)
    )


def _language_line(outcome: WorkspaceSettingsShown) -> str:
    if outcome.language is None:
        return _("Language: each person's own in Slack, else the map's (the default)")
    return _("Language: {language}, for whoever Slack gives none").format(
        language=_(LANGUAGE_NAMES.get(outcome.language, outcome.language))
    )


def _admins(outcome: WorkspaceSettingsShown) -> str:
    if not outcome.admins:
        return _("Admins: nobody yet (STAGECOACH_ADMINS names the first)")
    names = ", ".join(member_name(m) for m in outcome.admins[:MAX_NAMED])
    more = len(outcome.admins) - MAX_NAMED
    if more > 0:  # a section holds 3,000 characters
        names = _("{names} and {count} more").format(names=names, count=more)
    return _("Admins: {names}").format(names=names)
