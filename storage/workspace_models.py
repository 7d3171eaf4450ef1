"""What a deployment keeps per workspace besides its deals: the app's installation (the
tokens Slack's OAuth flow handed over), the OAuth states of installs under way, and the
workspace's own settings (its map, time zone and reporting currency).

An installation row holds a workspace's tokens and nothing else: uninstalling the app or
revoking its tokens deletes the row, and every other row of the workspace stays until an
admin runs `stagecoach workspace delete` (docs/workspaces.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class SlackInstallation(SQLModel, table=True):
    """The latest installation of the app in one workspace (bot tokens only: the app asks
    for no user scopes). With token rotation on, the bot token expires and the refresh
    token gets a new one (Bolt's token rotator)."""

    __tablename__ = "slack_installation"

    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    app_id: str | None = Field(default=None, max_length=32)
    team_name: str | None = Field(default=None, max_length=200)
    bot_token: str = Field(sa_column=Column(Text, nullable=False))
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_scopes: str = Field(default="", sa_column=Column(Text, nullable=False))
    bot_refresh_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    bot_token_expires_at: dt.datetime | None = Field(default=None)
    installer_user_id: str = Field(max_length=32)
    token_type: str | None = Field(default=None, max_length=16)
    installed_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class OAuthState(SQLModel, table=True):
    """A `state` handed to a browser starting an install; good once, until it expires."""

    __tablename__ = "oauth_state"

    state: str = Field(primary_key=True, max_length=64)
    expires_at: dt.datetime = Field(index=True)


class WorkspaceSetting(SQLModel, table=True):
    """A workspace's own choices; a column left empty means the deployment's default
    (STAGECOACH_MAP, UTC, STAGECOACH_REPORTING_CURRENCY; the language: the map's)."""

    __tablename__ = "workspace_setting"

    team_id: str = Field(primary_key=True, max_length=32)
    map_id: str | None = Field(default=None, max_length=40)
    map_version: int | None = Field(default=None)
    time_zone: str | None = Field(default=None, max_length=64)
    reporting_currency: str | None = Field(default=None, max_length=3)
    # per-currency KPIs even where the deployment sets a reporting currency
    per_currency: bool = Field(default=False)
    language: str | None = Field(default=None, max_length=16)  # "en", "tr" (flows.i18n)
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: dt.datetime = Field(default_factory=utcnow)
