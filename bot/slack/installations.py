"""slack_sdk's installation and OAuth state store interfaces, over stagecoach's own tables
(storage.workspace_store), so Bolt's OAuth flow, its authorize and its token rotator keep
installations in the app's database on both backends.

Only bot tokens are kept: the app asks for no user scopes. Deleting an installation
(uninstall, revoked tokens) removes its tokens and nothing else of the workspace.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from bot.core.context import Services
from storage import workspace_store
from storage.workspace_models import SlackInstallation

log = logging.getLogger(__name__)
ROTATE_BEFORE_MINUTES = 120  # as Bolt's authorize (token_rotation_expiration_minutes)
STATE_SECONDS = 600  # an install started in a browser must finish within ten minutes


class DatabaseInstallationStore(AsyncInstallationStore):
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        if installation.team_id is None:  # an org-wide install: not supported (docs/workspaces.md)
            raise ValueError("an installation without a workspace cannot be stored")
        async with self.services.db.write() as session:
            await workspace_store.save_installation(
                session, team_id=installation.team_id, values=_columns(installation)
            )

    async def async_save_bot(self, bot: Bot) -> None:
        """A rotated bot token (Bolt's find_bot path): only the tokens change."""
        if bot.team_id is None:
            raise ValueError("a bot without a workspace cannot be stored")
        async with self.services.db.write() as session:
            found = await workspace_store.installation(session, team_id=bot.team_id)
            if found is None:
                return  # uninstalled meanwhile: nothing to refresh
            await workspace_store.save_installation(
                session, team_id=bot.team_id, values=_bot_columns(bot)
            )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = await self._row(team_id)
        if row is None or (user_id is not None and user_id != row.installer_user_id):
            return None
        return _installation(row)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        row = await self._row(team_id)
        return None if row is None else _installation(row).to_bot()

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete(team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:  # a user's own tokens: none are kept
            await self._delete(team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete(team_id)

    async def _row(self, team_id: str | None) -> SlackInstallation | None:
        if team_id is None:
            return None
        async with self.services.db.read() as session:
            return await workspace_store.installation(session, team_id=team_id)

    async def _delete(self, team_id: str | None) -> None:
        if team_id is None:
            return
        async with self.services.db.write() as session:
            if await workspace_store.delete_installation(session, team_id=team_id):
                log.info("tokens of workspace %s removed; its data is kept", team_id)


class DatabaseStateStore(AsyncOAuthStateStore):
    """A `state` per install started, good once for STATE_SECONDS."""

    def __init__(self, services: Services, *, expiration_seconds: int = STATE_SECONDS) -> None:
        self.services = services
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        expires_at = self.services.clock() + dt.timedelta(seconds=self.expiration_seconds)
        async with self.services.db.write() as session:
            await workspace_store.issue_state(session, state=state, expires_at=expires_at)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 64:
            return False
        async with self.services.db.write() as session:
            return await workspace_store.consume_state(
                session, state=state, now=self.services.clock()
            )


def _columns(installation: Installation) -> dict[str, Any]:
    return {
        "enterprise_id": installation.enterprise_id,
        "app_id": installation.app_id,
        "team_name": installation.team_name,
        "bot_id": installation.bot_id,
        "bot_user_id": installation.bot_user_id,
        "installer_user_id": installation.user_id,
        "token_type": installation.token_type,
        **_token_columns(
            installation.bot_token,
            installation.bot_scopes,
            installation.bot_refresh_token,
            installation.bot_token_expires_at,
        ),
    }


def _bot_columns(bot: Bot) -> dict[str, Any]:
    return _token_columns(
        bot.bot_token, bot.bot_scopes, bot.bot_refresh_token, bot.bot_token_expires_at
    )


def _token_columns(
    token: str | None, scopes: Any, refresh: str | None, expires_at: int | None
) -> dict[str, Any]:
    if token is None:
        raise ValueError("an installation without a bot token cannot be stored")
    return {
        "bot_token": token,
        "bot_scopes": ",".join(scopes) if isinstance(scopes, list) else (scopes or ""),
        "bot_refresh_token": refresh,
        "bot_token_expires_at": (
            dt.datetime.fromtimestamp(expires_at, dt.UTC) if expires_at is not None else None
        ),
    }


def _installation(row: SlackInstallation) -> Installation:
    expires = row.bot_token_expires_at
    return Installation(
        app_id=row.app_id,
        enterprise_id=row.enterprise_id,
        team_id=row.team_id,
        team_name=row.team_name,
        bot_token=row.bot_token,
        bot_id=row.bot_id,
        bot_user_id=row.bot_user_id,
        bot_scopes=row.bot_scopes,
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=int(expires.timestamp()) if expires is not None else None,
        user_id=row.installer_user_id,
        token_type=row.token_type,
        installed_at=row.installed_at.timestamp(),
    )


class WorkspaceTokens:
    """A workspace's bot token outside any request (the scheduler's digests and nudges):
    its installation's, rotated first when it is about to expire, as Bolt's authorize does."""

    def __init__(self, store: DatabaseInstallationStore, rotator: AsyncTokenRotator) -> None:
        self.store, self.rotator = store, rotator

    async def bot_token(self, team_id: str) -> str | None:
        """None: the app is not installed there (any more)."""
        found = await self.store.async_find_installation(enterprise_id=None, team_id=team_id)
        if found is None:
            return None
        try:
            refreshed = await self.rotator.perform_token_rotation(
                installation=found, minutes_before_expiration=ROTATE_BEFORE_MINUTES
            )
        except SlackTokenRotationError:
            log.warning("the token of workspace %s could not be rotated", team_id)
            return None
        if refreshed is not None:
            await self.store.async_save(refreshed)
            found = refreshed
        return found.bot_token
