"""Configuration from the environment, read once, checked once: a missing or malformed
setting stops start-up with one line naming the variable and what it must look like."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from bot.core.reporting_currency import RatesError, ReportingCurrency, read_reporting_currency
from bot.core.slack_ids import is_user_id
from flows.i18n import N_, _
from flows.loader import DEFAULT_MAP_ID
from storage.pgbouncer import behind_pgbouncer
from storage.urls import DatabaseUrlError, async_url, default_url

DEFAULT_PORT = 3000
# A KPI report runs its queries side by side (bot.reporting.measure): one per core by default.
DEFAULT_REPORT_QUERIES = os.cpu_count() or 1
SLACK_API_DEFAULT = "https://slack.com/api/"

# name → what it must look like, in English (`documented` says it in the current language)
DOCUMENTED = {
    "SLACK_BOT_TOKEN": N_("the bot token from your Slack app's 'OAuth & Permissions' page: xoxb-…"),
    "SLACK_SIGNING_SECRET": N_("the signing secret from 'Basic Information' (32 hex characters)"),
    "SLACK_CLIENT_ID": N_(
        "with SLACK_CLIENT_SECRET, from 'Basic Information': turns on OAuth install for any "
        "workspace (/slack/install) instead of SLACK_BOT_TOKEN's one workspace"
    ),
    "SLACK_CLIENT_SECRET": N_("the client secret from 'Basic Information', with SLACK_CLIENT_ID"),
    "SLACK_REDIRECT_URI": N_(
        "OAuth mode: the redirect URL set in the app, https://your.host/slack/oauth_redirect; "
        "default: the one configured in the app"
    ),
    "SLACK_APP_TOKEN": N_("an app-level token with connections:write, for Socket Mode: xapp-…"),
    "SLACK_API_URL": N_("the Web API base URL, default https://slack.com/api/ (response URLs on its host are trusted too)"),
    "DATABASE_URL": N_(
        "sqlite:///path/file.db or postgresql://user:password@host:5432/db "
        "(ending ?pgbouncer=true behind PgBouncer's transaction pooling)"
    ),
    "STAGECOACH_MAP": N_("a shipped map id (default, extended, default-tr, extended-tr) or a path to a map YAML file"),
    "STAGECOACH_ADMINS": N_("comma-separated Slack user ids of the first admins, e.g. U012AB3CD,U045EF6GH"),
    "STAGECOACH_SCHEDULER_INTERVAL": N_("seconds between scheduler ticks (digests, nudges), default 30; tests use 0.2"),
    "STAGECOACH_CLAIM_LEASE": N_("seconds a replica holds claimed digest or nudge work before another may take it over, default 300"),
    "STAGECOACH_SHUTDOWN_TIMEOUT": N_("seconds `serve` takes at most, after SIGTERM, to finish requests and work in flight, default 20"),
    "STAGECOACH_DRAIN_DELAY": N_("seconds `serve` keeps answering after SIGTERM while /healthz says 503, default 0"),
    "STAGECOACH_REPORT_QUERIES": N_("how many queries one KPI report runs at once, 1 or more, default the number of CPU cores"),
    "STAGECOACH_REPORTING_CURRENCY": N_(
        "a currency code (e.g. USD) to add money KPIs up in, with STAGECOACH_FX_RATES; "
        "default none: money is reported per currency"
    ),
    "STAGECOACH_FX_RATES": N_(
        "a YAML (EUR: 1.08) or CSV (currency,rate) file: one unit of each currency in the "
        "reporting currency"
    ),
    "STAGECOACH_WEBHOOK_INTERVAL": N_("seconds between looks at an empty webhook outbox, default 1"),
    "STAGECOACH_WEBHOOK_LEASE": N_("seconds a replica holds a webhook delivery, default 60"),
    "STAGECOACH_WEBHOOK_BACKOFF": N_("seconds before a webhook's first retry, then doubled, default 10"),
    "STAGECOACH_WEBHOOK_ALLOW_PRIVATE": N_("1: webhooks may go to private addresses, default 0"),
    "STAGECOACH_WEBHOOK_ATTEMPTS": N_("tries before a webhook delivery is a dead letter, default 8"),
    "PORT": N_("the HTTP port, 1-65535, default 3000"),
    "STAGECOACH_LOG_FORMAT": N_("json or text; default text on a terminal, json otherwise"),
    "LOG_LEVEL": N_("DEBUG, INFO, WARNING or ERROR; default INFO"),
    "PROMETHEUS_MULTIPROC_DIR": N_("an empty directory where each of several processes on one port keeps its metrics"),
}  # fmt: skip


def documented(name: str) -> str:
    """What setting `name` must look like, in the current language."""
    return _(DOCUMENTED[name])


class SettingsError(ValueError):
    """One setting is missing or malformed; the message names it and what it must be."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    map_ref: str = DEFAULT_MAP_ID
    admins: frozenset[str] = frozenset()
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = SLACK_API_DEFAULT
    port: int = DEFAULT_PORT
    extra_response_url_prefixes: tuple[str, ...] = field(default=())
    report_queries: int = DEFAULT_REPORT_QUERIES
    reporting_currency: ReportingCurrency | None = None
    webhook_allow_private: bool = False
    # OAuth mode (docs/workspaces.md): both set, or neither (SLACK_BOT_TOKEN's one workspace)
    client_id: str | None = None
    client_secret: str | None = None
    redirect_uri: str | None = None

    @property
    def oauth(self) -> bool:
        return self.client_id is not None and self.client_secret is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        database_url = _get(env, "DATABASE_URL") or default_url()
        try:
            behind_pgbouncer(async_url(database_url))
        except DatabaseUrlError as exc:
            raise SettingsError(str(exc)) from exc
        api_url = _api_url(_get(env, "SLACK_API_URL"))
        return cls(
            database_url=database_url,
            map_ref=_get(env, "STAGECOACH_MAP") or DEFAULT_MAP_ID,
            admins=_admins(_get(env, "STAGECOACH_ADMINS")),
            bot_token=_get(env, "SLACK_BOT_TOKEN"),
            signing_secret=_get(env, "SLACK_SIGNING_SECRET"),
            app_token=_get(env, "SLACK_APP_TOKEN"),
            api_url=api_url,
            port=_port(_get(env, "PORT")),
            extra_response_url_prefixes=_same_host_responses(api_url),
            report_queries=report_queries(env),
            reporting_currency=reporting_currency(env),
            webhook_allow_private=webhook_allow_private(env),
            **_oauth(env),
        )

    def require_http(self) -> None:
        """What `stagecoach serve` (HTTP mode) cannot start without: the bot token, or in
        OAuth mode the installations in the database."""
        if not self.oauth:
            _require("SLACK_BOT_TOKEN", self.bot_token, r"xox[bp]-[A-Za-z0-9-]+")
        _require("SLACK_SIGNING_SECRET", self.signing_secret, r"[A-Za-z0-9]{16,}")

    def require_socket(self) -> None:
        if self.oauth:  # installs come through the HTTP redirect, which Socket Mode has not
            raise SettingsError(
                _(
                    "Socket Mode serves one workspace with SLACK_BOT_TOKEN: unset "
                    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, or serve over HTTP for OAuth"
                )
            )
        _require("SLACK_BOT_TOKEN", self.bot_token, r"xox[bp]-[A-Za-z0-9-]+")
        _require("SLACK_APP_TOKEN", self.app_token, r"xapp-[A-Za-z0-9-]+")


def _oauth(env: Mapping[str, str]) -> dict[str, str | None]:
    client_id, secret = _get(env, "SLACK_CLIENT_ID"), _get(env, "SLACK_CLIENT_SECRET")
    if (client_id is None) != (secret is None):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise SettingsError(
            _("{missing} is not set; OAuth mode needs both; set it to {what}").format(
                missing=missing, what=documented(missing)
            )
        )
    redirect = _get(env, "SLACK_REDIRECT_URI")
    if redirect is not None and urlparse(redirect).scheme not in ("http", "https"):
        raise SettingsError(
            _("SLACK_REDIRECT_URI is malformed; it must be {what}").format(
                what=documented("SLACK_REDIRECT_URI")
            )
        )
    return {"client_id": client_id, "client_secret": secret, "redirect_uri": redirect}


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _require(name: str, value: str | None, pattern: str) -> None:
    if value is None:
        raise SettingsError(
            _("{name} is not set; set it to {what}").format(name=name, what=documented(name))
        )
    if not re.fullmatch(pattern, value):
        raise SettingsError(
            _("{name} is malformed; it must be {what}").format(name=name, what=documented(name))
        )


def _admins(raw: str | None) -> frozenset[str]:
    ids = [part.strip() for part in (raw or "").split(",") if part.strip()]
    bad = [item for item in ids if not is_user_id(item)]
    if bad:
        raise SettingsError(
            _(
                "STAGECOACH_ADMINS has {bad}, which is not a Slack user id; it must be {what}"
            ).format(bad=", ".join(bad), what=documented("STAGECOACH_ADMINS"))
        )
    return frozenset(ids)


def _api_url(raw: str | None) -> str:
    if raw is None:
        return SLACK_API_DEFAULT
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            _("SLACK_API_URL is malformed; it must be {what}").format(
                what=documented("SLACK_API_URL")
            )
        )
    return raw if raw.endswith("/") else raw + "/"


def _same_host_responses(api_url: str) -> tuple[str, ...]:
    """A Slack-compatible endpoint other than Slack's (a stand-in, a gateway) also mints
    the response URLs of what it sends: they are trusted like hooks.slack.com. The bot
    token already goes to that host, so trusting it for replies adds no exposure."""
    if api_url == SLACK_API_DEFAULT:
        return ()
    parsed = urlparse(api_url)
    return (f"{parsed.scheme}://{parsed.netloc}/",)


def _port(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(
            _("PORT is {raw!r}; it must be {what}").format(raw=raw, what=documented("PORT"))
        )
    return int(raw)


def report_queries(env: Mapping[str, str]) -> int:
    """STAGECOACH_REPORT_QUERIES, else one query per core."""
    raw = _get(env, "STAGECOACH_REPORT_QUERIES")
    if raw is None:
        return DEFAULT_REPORT_QUERIES
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise SettingsError(
            _("STAGECOACH_REPORT_QUERIES is {raw!r}; it must be {what}").format(
                raw=raw, what=documented("STAGECOACH_REPORT_QUERIES")
            )
        )
    return int(raw)


def reporting_currency(env: Mapping[str, str]) -> ReportingCurrency | None:
    """STAGECOACH_REPORTING_CURRENCY with the rates of STAGECOACH_FX_RATES: both or neither."""
    currency, rates = _get(env, "STAGECOACH_REPORTING_CURRENCY"), _get(env, "STAGECOACH_FX_RATES")
    if currency is None and rates is None:
        return None
    if currency is None or rates is None:
        missing = "STAGECOACH_FX_RATES" if currency else "STAGECOACH_REPORTING_CURRENCY"
        raise SettingsError(
            _("{missing} is not set; the reporting currency needs both; set it to {what}").format(
                missing=missing, what=documented(missing)
            )
        )
    try:
        return read_reporting_currency(currency, rates)
    except RatesError as exc:
        raise SettingsError(f"STAGECOACH_FX_RATES: {exc}") from exc


def webhook_allow_private(env: Mapping[str, str]) -> bool:
    raw = (env.get("STAGECOACH_WEBHOOK_ALLOW_PRIVATE") or "0").strip().lower()
    if raw not in ("0", "1", "false", "true"):
        raise SettingsError(_("STAGECOACH_WEBHOOK_ALLOW_PRIVATE is {raw!r}; it must be 1 (on) or 0 (off)").format(raw=raw))  # fmt: skip
    return raw in ("1", "true")


def seconds_setting(
    env: Mapping[str, str], name: str, default: float, *, least: float, most: float
) -> float:
    """A duration in seconds from the environment (blank: `default`), or a SettingsError
    naming the variable and the range it must lie in."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = least - 1.0  # not a number: refused as out of range, with the range
    if not least <= value <= most:
        raise SettingsError(
            _("{name} is {raw!r}; it must be a number of seconds, {least:g} to {most:g}").format(
                name=name, raw=raw, least=least, most=most
            )
        )
    return value
