"""OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set): any workspace installs the app
through `/slack/install` and `/slack/oauth_redirect`, Bolt's OAuth flow over our stores
(bot.slack.installations); Bolt's authorize finds each request's installation and rotates
its token when due. docs/workspaces.md says how it fits together."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from bot.core.settings import SLACK_API_DEFAULT
from bot.slack.install_pages import failed_page, install_page, installed_page
from bot.slack.installations import (
    DatabaseInstallationStore,
    DatabaseStateStore,
    WorkspaceTokens,
)
from bot.slack.runtime import Runtime
from bot.team.installs import installed_by
from flows.i18n import N_, _

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes manifest.yml asks for (tests/slack/test_oauth_install.py keeps them equal).
BOT_SCOPES = (
    "channels:manage",
    "chat:write",
    "commands",
    "files:write",
    "im:write",
    "pins:write",
    "usergroups:read",
    "users:read",
)
# Bolt answers with it before any listener runs, so before the request's language is known
# (a workspace without an installation has no settings to read it from): English.
NOT_INSTALLED = N_(
    ":warning: stagecoach is not installed in this workspace any more, so nothing was "
    "changed. An admin can reinstall it from the app's install page."
)


class InstallFlow(AsyncOAuthFlow):
    """Bolt's flow with our own install page (translated)."""

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return install_page(url)


def oauth_app_args(runtime: Runtime) -> dict[str, Any]:
    """What AsyncApp takes in OAuth mode: the flow, and an authorize that remembers each
    token's auth.test (a rotated token is a new entry) instead of asking Slack per request."""
    settings, services = runtime.settings, runtime.services
    store = DatabaseInstallationStore(services)
    oauth_settings = AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=_authorization_url(settings.api_url),
        installation_store=store,
        state_store=DatabaseStateStore(services),
        callback_options=AsyncCallbackOptions(success=_success(runtime), failure=_failure),
    )
    authorize = AsyncInstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        cache_enabled=True,
        client=runtime.client,
    )
    flow = InstallFlow(client=runtime.client, logger=log, settings=oauth_settings)
    return {
        "oauth_flow": flow,
        "installation_store": store,
        "authorize": authorize,
        "user_facing_authorize_error_message": _(NOT_INSTALLED),
    }


def _authorization_url(api_url: str) -> str | None:
    """Slack's own, or the same host's when SLACK_API_URL points elsewhere (the stand-in)."""
    if api_url == SLACK_API_DEFAULT:
        return None
    parsed = urlparse(api_url)
    return f"{parsed.scheme}://{parsed.netloc}/oauth/v2/authorize"


def _success(runtime: Runtime) -> Any:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        first = False
        if installation.team_id and installation.user_id:
            first = await installed_by(
                runtime.services, team_id=installation.team_id, user_id=installation.user_id
            )
        log.info("installed in workspace %s by %s", installation.team_id, installation.user_id)
        page = installed_page(installation.team_name, first_admin=first)
        return _page(200, page, args.settings.state_utils.build_set_cookie_for_deletion())

    return success


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    log.warning("an install did not finish: %s", args.reason)
    # A storage error is the database being away: 503, never a 500 (bot.slack.http).
    status = 503 if args.suggested_status_code >= 500 else args.suggested_status_code
    return _page(status, failed_page(args.reason), None)


def _page(status: int, page: str, cookie: str | None) -> BoltResponse:
    headers: dict[str, Any] = {"Content-Type": "text/html; charset=utf-8"}
    if cookie is not None:
        headers["Set-Cookie"] = [cookie]
    return BoltResponse(status=status, body=page, headers=headers)


def add_oauth_routes(app: web.Application, bolt: AsyncApp) -> None:
    flow = bolt.oauth_flow
    if flow is None:
        return
    app.router.add_get(INSTALL_PATH, _route(flow.handle_installation))
    app.router.add_get(REDIRECT_PATH, _route(flow.handle_callback))


def _route(handle: Any) -> Any:
    async def route(request: web.Request) -> web.StreamResponse:
        bolt_request = AsyncBoltRequest(
            body="", query=request.query_string, headers=dict(request.headers)
        )
        try:
            response = await handle(bolt_request)
        except Exception:  # the database away while issuing or consuming a state
            log.exception("the install flow failed on %s", request.path)
            return web.Response(
                status=503, text=failed_page("storage_error"), content_type="text/html"
            )
        return await to_aiohttp_response(response)

    return route


def workspace_tokens(runtime: Runtime) -> WorkspaceTokens | None:
    """For the scheduler: each workspace's token in OAuth mode; None with SLACK_BOT_TOKEN."""
    settings = runtime.settings
    if settings.client_id is None or settings.client_secret is None:
        return None
    rotator = AsyncTokenRotator(
        client_id=settings.client_id, client_secret=settings.client_secret, client=runtime.client
    )
    return WorkspaceTokens(DatabaseInstallationStore(runtime.services), rotator)
