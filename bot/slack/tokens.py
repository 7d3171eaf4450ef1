"""Whose token a Web API call carries. With one workspace (SLACK_BOT_TOKEN) it is that
token. In OAuth mode every workspace has its own: Bolt's authorize finds the request's
installation (rotating its token when due), and `bind_workspace_token` makes that token
the one every call made while handling the request uses, work after the acknowledgement
included (a task copies the context it was started in)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

WORKSPACE_TOKEN: ContextVar[str | None] = ContextVar("workspace_token", default=None)


class WorkspaceClient(AsyncWebClient):
    """A Web API client whose token is the current request's workspace's, else its own."""

    _own_token: str | None = None

    @property  # type: ignore[override]
    def token(self) -> str | None:
        return WORKSPACE_TOKEN.get() or self._own_token

    @token.setter
    def token(self, value: str | None) -> None:
        self._own_token = value


async def bind_workspace_token(context: AsyncBoltContext, next: Any) -> Any:  # noqa: A002
    """Bolt middleware (after authorize): the request's bot token for every call it makes.
    Bolt runs its middleware one after another and the listener after them all, not inside
    `next()`, so the token is set here and unset by whoever dispatched the request
    (`dispatching`)."""
    WORKSPACE_TOKEN.set(context.bot_token)
    return await next()


@contextmanager
def dispatching() -> Iterator[None]:
    """Around one request's dispatch: no token but the one its middleware binds, and none
    left behind for the next request on the same connection (the same task)."""
    bound = WORKSPACE_TOKEN.set(None)
    try:
        yield
    finally:
        WORKSPACE_TOKEN.reset(bound)


@contextmanager
def acting_for(token: str | None) -> Iterator[None]:
    """Outside a request (the scheduler): calls made inside carry `token` (None: the
    client's own, SLACK_BOT_TOKEN's)."""
    bound = WORKSPACE_TOKEN.set(token)
    try:
        yield
    finally:
        WORKSPACE_TOKEN.reset(bound)
