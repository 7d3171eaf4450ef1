"""The Bolt app, built for answering inside the acknowledgement.

`process_before_response=True` makes Bolt run a listener inline and answer with what it
acked, instead of running it as a task and polling for `ack()` every 10 ms. Our
listeners are built for that: fast work before `ack()`, everything slow after it in
tracked tasks (bot.slack.runtime.after_ack).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import register_all
from bot.slack.oauth import oauth_app_args
from bot.slack.runtime import Runtime
from bot.slack.tokens import bind_workspace_token


def build_bolt_app(runtime: Runtime) -> AsyncApp:
    # OAuth mode (bot.slack.oauth): the installations in the database, not one token.
    oauth = oauth_app_args(runtime) if runtime.settings.oauth else {}
    app = AsyncApp(
        client=runtime.client,
        # Our aiohttp route checks the signature before Bolt parses anything (bot.slack.http).
        request_verification_enabled=False,
        signing_secret=runtime.settings.signing_secret or "",
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        ignoring_self_events_enabled=True,
        **oauth,
    )
    app.middleware(bind_workspace_token)
    if oauth:
        # Tokens removed, the workspace's data kept (bot.slack.installations).
        app.enable_token_revocation_listeners()
    register_all(app, runtime)
    return app
