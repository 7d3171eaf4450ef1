"""`/deal webhook add | list | remove`: admins register the URLs that get the workspace's
stage events (docs/webhooks.md). Each endpoint has a signing secret of its own, shown once
when it is added.

A URL must be https, so that the events and their signatures cannot be read on the way,
to a public address: loopback, private, link-local and reserved addresses are refused, so
that an admin cannot make the bot post into its own network (the sender checks again
where a name resolves, bot/slack/webhook_resolver.py). With STAGECOACH_WEBHOOK_ALLOW_PRIVATE
on (tests, local development) any address is taken, and plain http for this machine.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, NotFound, Outcome
from bot.deals.stage_events import StageEvent
from bot.webhooks.outcomes import EndpointLine, WebhookAdded, WebhookList, WebhookRemoved
from bot.webhooks.signing import new_secret
from flows.i18n import _
from storage import webhook_queries
from storage.models import Role
from storage.webhook_models import WebhookEndpoint
from storage.webhook_queries import EndpointState

EXAMPLE = "/deal webhook add https://crm.example.com/hooks/stagecoach won,lost"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_URL = 500
MAX_ENDPOINTS = 20  # per workspace: each is one more row per stage event, in the change


def check_url(url: str, *, allow_private: bool = False) -> str | Invalid:
    """The URL, or why it cannot be an endpoint (`allow_private`:
    STAGECOACH_WEBHOOK_ALLOW_PRIVATE)."""
    if len(url) > MAX_URL:
        return Invalid(_("that URL is longer than {most} characters").format(most=MAX_URL), _("give a shorter URL"), field="url")  # fmt: skip
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return _not_web(url)
    try:
        port = parts.port  # raises on a port that is not a number from 0 to 65535
    except ValueError:
        port = 0
    if port == 0:
        return Invalid(_("'{url}' has no valid port: a port is a number from 1 to 65535").format(url=url), _("leave the port out for https (443), or give the receiver's port"), field="url")  # fmt: skip
    if parts.scheme not in ("https", "http") or not host:
        return _not_web(url)
    if parts.username or parts.password:
        return Invalid(_("a webhook URL may not carry a user or password"), _("the signature proves the sender: leave the credentials out of the URL"), field="url")  # fmt: skip
    if parts.scheme == "http" and not (allow_private and host in LOCAL_HOSTS):
        return Invalid(
            _("'{url}' is plain http; webhooks go only to https URLs").format(url=url),
            _("use https:// (plain http is allowed only for this machine, with STAGECOACH_WEBHOOK_ALLOW_PRIVATE on)"),
            field="url",
        )  # fmt: skip
    return _check_host(url, host, allow_private=allow_private)


def _check_host(url: str, host: str, *, allow_private: bool) -> str | Invalid:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is None:
        try:
            host.encode("idna")  # what the HTTP client does: empty or long labels fail
        except UnicodeError:
            return Invalid(_("'{host}' is not a valid host name: each part between dots must be 1 to 63 characters").format(host=host), _("check the host name, e.g. crm.example.com"), field="url")  # fmt: skip
    if allow_private:
        return url
    if host.lower().rstrip(".") == "localhost" or (ip is not None and not is_public(ip)):
        return Invalid(_("'{host}' is a loopback, private, link-local or reserved address; webhooks go only to public addresses").format(host=host), _("give the receiver's public https:// URL"), field="url")  # fmt: skip
    return url


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a webhook may be posted to the address: not loopback, private,
    link-local, multicast, reserved or unspecified (nor one of those mapped into IPv6)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _not_web(url: str) -> Invalid:
    return Invalid(
        _("'{url}' is not a web address").format(url=url),
        _("give the full https:// URL, e.g. {example}").format(example=EXAMPLE),
        field="url",
    )


def check_events(words: tuple[str, ...]) -> tuple[str, ...] | Invalid:
    """The stage events asked for (none, or `all`: every one), or which are unknown."""
    wanted = [word.lower() for word in words]
    if not wanted or wanted == ["all"]:
        return tuple(kind.value for kind in StageEvent)
    known = {kind.value for kind in StageEvent}
    unknown = [word for word in wanted if word not in known]
    if unknown:
        return Invalid(
            _("{words} is not a stage event").format(words=", ".join(f"'{w}'" for w in unknown)),
            _("choose from {kinds} (or all, the default)").format(
                kinds=", ".join(kind.value for kind in StageEvent)
            ),
            field="events",
        )
    return tuple(kind.value for kind in StageEvent if kind.value in wanted)


async def add_webhook(
    services: Services, actor: Actor, *, url: str, events: tuple[str, ...]
) -> Outcome:
    allow = services.webhook_allow_private
    checked_url, kinds = check_url(url, allow_private=allow), check_events(events)
    for checked in (checked_url, kinds):
        if isinstance(checked, Invalid):
            return checked
    async with services.db.write() as session:
        if await role_of(session, services, actor) is not Role.ADMIN:
            return _admins_only()
        existing = await webhook_queries.endpoint_states(session, team_id=actor.team_id)
        if len(existing) >= MAX_ENDPOINTS:
            return Invalid(_("this workspace has {most} webhooks already").format(most=MAX_ENDPOINTS), _("remove one first: /deal webhook list, then /deal webhook remove <id>"))  # fmt: skip
        endpoint = WebhookEndpoint(
            team_id=actor.team_id,
            url=str(checked_url),
            events=",".join(kinds),  # type: ignore[arg-type]
            secret=new_secret(),
            created_by=actor.user_id,
            created_at=services.clock(),
        )
        await webhook_queries.add_endpoint(session, endpoint)
    return WebhookAdded(_line(EndpointState(endpoint, 0, 0, None, None, None)), endpoint.secret)


async def list_webhooks(services: Services, actor: Actor) -> Outcome:
    async with services.db.read() as session:
        if await role_of(session, services, actor) is not Role.ADMIN:
            return _admins_only()
        states = await webhook_queries.endpoint_states(session, team_id=actor.team_id)
    return WebhookList([_line(state) for state in states])


async def remove_webhook(services: Services, actor: Actor, *, endpoint_id: int) -> Outcome:
    async with services.db.write() as session:
        if await role_of(session, services, actor) is not Role.ADMIN:
            return _admins_only()
        removed = await webhook_queries.remove_endpoint(
            session, team_id=actor.team_id, endpoint_id=endpoint_id, now=services.clock()
        )
    if removed is None:
        return NotFound(
            _("this workspace has no webhook {id}").format(id=endpoint_id),
            _("/deal webhook list shows each webhook with its number"),
        )
    return WebhookRemoved(_line(EndpointState(removed, 0, 0, None, None, None)))


def _line(state: EndpointState) -> EndpointLine:
    endpoint = state.endpoint
    assert endpoint.id is not None
    return EndpointLine(
        endpoint.id,
        endpoint.url,
        tuple(endpoint.events.split(",")),
        endpoint.created_by,
        state.waiting,
        state.dead,
        state.last_status.value if state.last_status else None,
        state.last_at,
        state.last_error,
    )


def _admins_only() -> NotAllowed:
    return NotAllowed(
        _("only an admin can see or change the workspace's webhooks"),
        _("ask an admin; the first admins are named in STAGECOACH_ADMINS"),
    )
