"""The Web API client, counted: every call by method, how long it took, how it failed, and
every 429 Slack answered on the way, including those the client waited out and retried
(bot.slack.metrics; docs/operations.md).

Every call slack_sdk's client makes (`chat_postMessage`, `views_open`…) goes through
`api_call`, so one override sees them all. A retried 429 never reaches it: the retry
handlers run inside, so `RateLimitCounter`, first among them, counts each one and retries
nothing itself.
"""

from __future__ import annotations

import time
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack import metrics
from bot.slack.tokens import WorkspaceClient
from bot.slack.web_api_failures import error_name

METHOD_LENGTH = 64


class MeteredWebClient(WorkspaceClient):
    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        method = api_method[:METHOD_LENGTH]
        metrics.WEB_API_CALLS.labels(method).inc()
        started = time.perf_counter()
        try:
            return await super().api_call(api_method, **kwargs)
        except Exception as error:
            metrics.WEB_API_ERRORS.labels(method, error_name(error)[:METHOD_LENGTH]).inc()
            raise
        finally:
            metrics.WEB_API_SECONDS.labels(method).observe(time.perf_counter() - started)


class RateLimitCounter(AsyncRetryHandler):
    """Counts each 429 answer; never asks for a retry (the handlers after it decide)."""

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            method = request.url.rstrip("/").rsplit("/", 1)[-1][:METHOD_LENGTH]
            metrics.WEB_API_RATELIMITED.labels(method).inc()
        return False
