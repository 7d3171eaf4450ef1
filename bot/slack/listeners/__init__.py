"""Bolt listeners, one module per kind, each with `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, onboarding, views
from bot.slack.runtime import Runtime


def register_all(app: AsyncApp, runtime: Runtime) -> None:
    for module in (onboarding, commands, actions, views, events):  # onboarding first: why there
        module.register(app, runtime)
