"""Bolt listeners, one module per kind, each with `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import (
    actions,
    approvals,
    choices,
    commands,
    events,
    handoffs,
    onboarding,
    shortcuts,
    validation,
    views,
)
from bot.slack.runtime import Runtime


def register_all(app: AsyncApp, runtime: Runtime) -> None:
    # Bolt tries listeners in registration order, running each one's matchers, on every
    # request. /deal, the request sent most, comes first. Onboarding's buttons and the
    # "which deal?", the validation, approval and handoff buttons and "Save as evidence"'s
    # deal menu must come before the card actions, whose last listener takes any action id
    # left (a clear "out of date" answer instead of a 404).
    for module in (
        commands,
        onboarding,
        choices,
        validation,
        approvals,
        handoffs,
        shortcuts,
        actions,
        views,
        events,
    ):
        module.register(app, runtime)
