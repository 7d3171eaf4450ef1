"""Starting the shell: settings from the environment (the embedded defaults need none),
the database (created and migrated on first start), the demo team, the stand-in and
the app, with everyone's Slack language (bot/shell/languages.py); and, on the way out,
what stays clickable for the next run."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from bot.core.boot import open_services
from bot.core.settings import Settings
from bot.shell.demo import seed_demo
from bot.shell.languages import everyone_speaks, startup_locale
from bot.shell.people import admin_ids, seed_people
from bot.shell.saved import load, save, screen_path
from bot.shell.session import ShellSession
from storage.urls import async_url


def shell_settings(env: Mapping[str, str]) -> Settings:
    """The environment's settings, with the demo admin added (raises SettingsError)."""
    settings = Settings.from_env(env)
    return dataclasses.replace(settings, admins=settings.admins | admin_ids())


@asynccontextmanager
async def open_shell(
    env: Mapping[str, str],
    *,
    demo: bool = False,
    remember: bool = True,
    language: str | None = None,
) -> AsyncIterator[ShellSession]:
    """A running shell session; `remember` keeps clickable messages between runs;
    `language` is everyone's Slack locale (`--lang`; else STAGECOACH_SHELL_LANG, en-US)."""
    settings = shell_settings(env)
    locale = startup_locale(env, language)
    services = await open_services(settings)
    try:
        await seed_people(services)
        if demo:
            await seed_demo(services)
        session = await ShellSession.start(services=services, settings=settings)
        everyone_speaks(session, locale)
        path = screen_path(database_url=settings.database_url, env=env) if remember else None
        if path is not None:
            session.restore(load(path))
        try:
            yield session
        finally:
            if path is not None:
                save(path, session.clickable_by_user())
            await session.close()
    finally:
        await services.close()


def banner(session: ShellSession) -> str:
    current = session.runtime.services.catalog.current
    url = async_url(session.runtime.settings.database_url).render_as_string(hide_password=True)
    return f"stagecoach shell · map “{current.title}” v{current.version} · {url}"
