"""The in-process wire between the shell and the app: a payload in as Slack would send
it (Socket Mode requests carry no signature), the acknowledgement out, then the work the
app does after acknowledging, and the calls it made to the (stand-in) Web API."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack.runtime import Runtime, sorry
from bot.slack_standin import COMMAND_ACK, SlackStandIn

JsonDict = dict[str, Any]
SETTLE_TIMEOUT = 30.0
# Not the app's answer to anything: the ack the shell delivers itself, and Bolt's
# once-per-process token check.
NOT_REPLIES = (COMMAND_ACK, "auth.test")


async def dispatch(bolt: AsyncApp, payload: JsonDict) -> JsonDict | None:
    """The acknowledgement's body, as Slack would receive it (None when empty)."""
    response = await bolt.async_dispatch(AsyncBoltRequest(body=payload, mode="socket_mode"))
    if response.status == 404:  # nothing listens for it: Slack shows nothing
        return None
    if response.status >= 500:  # as bot.slack.http answers Slack
        return {"response_type": "ephemeral", "text": sorry().text}
    if not response.body:
        return None
    try:
        parsed = json.loads(response.body)
    except ValueError:
        return {"text": response.body}
    return parsed if isinstance(parsed, dict) else {"text": response.body}


async def settle(runtime: Runtime) -> None:
    """Wait for the work the app started after acknowledging (which may start more)."""
    while len(runtime.tasks):
        await runtime.tasks.drain(timeout=SETTLE_TIMEOUT)


def app_calls(standin: SlackStandIn, *, since: int) -> list[JsonDict]:
    """The Web API calls and response URL posts the app made since call number `since`."""
    return [
        {"method": call.method, "args": call.args}
        for call in standin.calls()[since:]
        if call.method not in NOT_REPLIES
    ]
