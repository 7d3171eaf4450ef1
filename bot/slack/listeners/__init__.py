"""Bolt listeners, one module per kind, each with `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, views
from bot.slack.runtime import Runtime


def register_all(app: AsyncApp, runtime: Runtime) -> None:
    for module in (commands, actions, views, events):
        module.register(app, runtime)
