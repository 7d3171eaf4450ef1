"""`/deal onboard`: start or resume one's onboarding, see one's reps' progress, or send a
new rep the tour."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import ONBOARD_OPTIONS, in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.core.slack_ids import user_id
from bot.onboarding.start import invite, onboard
from bot.onboarding.status import onboarding_status
from flows.i18n import N_, _


@dataclass(frozen=True, slots=True)
class OnboardArgs:
    """Nothing: start or resume; `status`: the progress of one's reps; `@user`: invite them."""

    status: bool = False
    invite: str | None = None  # the user id of the rep to send the tour to


def _parse_onboard(rest: str) -> OnboardArgs | Refused:
    words = rest.split()
    if not words:
        return OnboardArgs()
    if len(words) == 1 and in_english(words[0], ONBOARD_OPTIONS) == "status":
        return OnboardArgs(status=True)
    invited = user_id(words[0]) if len(words) == 1 else None
    if invited:
        return OnboardArgs(invite=invited)
    return Refused(
        _("'{text}' is neither status nor a @user").format(text=rest.strip()),
        _("e.g. /deal onboard, /deal onboard status or /deal onboard @sam"),
    )


async def _onboard(services: Services, actor: Actor, args: OnboardArgs) -> Answer:
    if args.status:
        return await onboarding_status(services, actor)
    if args.invite:
        return await invite(services, actor, user_id=args.invite)
    return await onboard(services, actor)


ONBOARD = CommandSpec(
    "onboard",
    "/deal onboard [status|@user]",
    N_(
        "Onboarding by DM: a tour of the map, a quiz, a practice deal (again: resume). "
        "status: your reps' progress, started or not. @user (their manager or an admin): "
        "send a new rep the tour, once; a manager may onboard someone with no manager yet, "
        "who joins their team (the admins are told)"
    ),
    _parse_onboard,
    _onboard,
    ("/deal onboard", "/deal onboard status", "/deal onboard @sam"),
)
