"""HTTP mode: our own aiohttp route in front of Bolt.

Bolt's own server answers 500 to broken `payload=` JSON and to signed payloads missing
fields Slack always sends. Here the body's shape is checked (400), then the signature
(401), and only then does Bolt see it; no exception ever becomes a 500.

The one unsigned request answered is Slack's certificate probe (`ssl_check=1`, with a
token and nothing else): Slack sends it without signature headers, and Bolt answers it
200 before its own signature check. A body with any other field goes through the
signature check like every other request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.slack import metrics, request_log
from bot.slack.oauth import add_oauth_routes
from bot.slack.request_bodies import Parsed, parse_slack_body
from bot.slack.request_log import Outcome
from bot.slack.runtime import Runtime, sorry
from bot.slack.shutdown import Draining
from bot.slack.tokens import dispatching
from flows.i18n import _

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
METRICS_PATH = "/metrics"  # Prometheus' text format: docs/operations.md
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; refuse anything bigger
RUNTIME = web.AppKey("runtime", Runtime)
DRAINING = web.AppKey("draining", Draining)  # set by `serve` on SIGTERM (bot.slack.shutdown)


def build_web_app(bolt: AsyncApp, runtime: Runtime) -> web.Application:
    verifier = SignatureVerifier(runtime.settings.signing_secret or "")
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_close_when_draining, _never_500])
    app[RUNTIME] = runtime
    app[DRAINING] = Draining()
    app.router.add_post(EVENTS_PATH, _events_handler(bolt, verifier))
    app.router.add_get("/healthz", _healthz)
    app.router.add_get(METRICS_PATH, _metrics)
    add_oauth_routes(app, bolt)  # OAuth mode only: /slack/install, /slack/oauth_redirect
    app.on_shutdown.append(_drain)
    return app


def _events_handler(bolt: AsyncApp, verifier: SignatureVerifier) -> Any:
    async def handle(request: web.Request) -> web.Response:
        started = time.perf_counter()
        raw = await request.read()
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _bad(_("the body is not UTF-8"))
        # Shape first: a body that cannot be parsed is a 400 whether or not it is signed
        # (checking it has no effects); then nothing unsigned goes further.
        parsed = parse_slack_body(body, request.content_type)
        if isinstance(parsed, str):
            request_log.refused_unread(None, Outcome.MALFORMED, started=started)
            return _bad(parsed)
        if is_ssl_probe(parsed):
            return web.Response(status=200)  # as Bolt's SslCheck: empty, and nothing else
        if not _signed(verifier, request, body):
            request_log.refused_unread(parsed, Outcome.REJECTED, started=started)
            return web.json_response({"error": "invalid_signature"}, status=401)
        record = request_log.begin(parsed, started=started)
        response = await _dispatch(bolt, request, body, parsed)
        request_log.answered(record)
        return response

    return handle


# What Slack's probe carries: `ssl_check=1` and the (deprecated) verification token.
_SSL_PROBE_FIELDS = frozenset({"ssl_check", "token"})


def is_ssl_probe(parsed: Parsed) -> bool:
    """Slack's unsigned certificate probe, and only it: a command's fields or a payload
    riding along with `ssl_check=1` make it an ordinary request, which must be signed."""
    return parsed.get("ssl_check") == "1" and parsed.keys() <= _SSL_PROBE_FIELDS


def _signed(verifier: SignatureVerifier, request: web.Request, body: str) -> bool:
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not timestamp.isdigit() or not signature:  # the verifier raises on a non-number
        return False
    return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


@web.middleware
async def _close_when_draining(request: web.Request, handler: Any) -> web.StreamResponse:
    """While stopping, a request that still arrives (on a kept-alive connection) is served,
    and its connection closed after the answer: the client's next request opens a new
    connection, which the load balancer sends to another replica."""
    draining = request.app[DRAINING]
    draining.in_flight += 1
    try:
        response: web.StreamResponse = await handler(request)
    finally:
        draining.in_flight -= 1
    if draining.stopping:
        response.force_close()
    return response


@web.middleware
async def _never_500(request: web.Request, handler: Any) -> web.StreamResponse:
    """The last line of defence: whatever slipped through is logged, not shown as a 500."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error on %s", request.path)
        return _bad(_("the request could not be processed"))


class _ParsedRequest(AsyncBoltRequest):
    """A Bolt request over the body as we already parsed it: Bolt would parse it again
    (an interaction's form-encoded JSON is kilobytes, and decoding it twice was a tenth of
    a checkbox click's time). `parsed` is what Bolt's own parse_body gives."""

    def __init__(self, *, raw_body: str, parsed: dict[str, Any], request: web.Request) -> None:
        super().__init__(body="", query=request.query_string, headers=dict(request.headers))
        self.raw_body = raw_body
        self.body = parsed
        self.context = build_async_context(AsyncBoltContext({}), parsed)


async def _dispatch(
    bolt: AsyncApp, request: web.Request, body: str, parsed: dict[str, Any]
) -> web.Response:
    bolt_request = _ParsedRequest(raw_body=body, parsed=parsed, request=request)
    try:
        with dispatching():
            response = await bolt.async_dispatch(bolt_request)
    except Exception:
        log.exception("dispatch failed")
        request_log.note_failure()
        return web.json_response({"response_type": "ephemeral", "text": sorry().text})
    if response.status == 404:  # an event or action nobody listens to: not Slack's problem
        return web.Response(status=200)
    if response.status >= 500:
        request_log.note_failure()
        return web.json_response({"response_type": "ephemeral", "text": sorry().text})
    return await to_aiohttp_response(response)


def _bad(reason: str) -> web.Response:
    return web.json_response({"error": "bad_request", "reason": reason}, status=400)


async def _healthz(request: web.Request) -> web.Response:
    if request.app[DRAINING].stopping:  # a load balancer takes this replica out
        return web.json_response({"ok": False, "error": "shutting down"}, status=503)
    runtime = request.app[RUNTIME]
    if await runtime.services.db.ping():
        return web.json_response({"ok": True})
    return web.json_response({"ok": False, "error": "database unreachable"}, status=503)


async def _metrics(_request: web.Request) -> web.Response:
    """Prometheus scrapes this (bot.slack.metrics); it sits beside /healthz, not behind
    Slack's signature: keep the port off the internet, or route only /slack/events to it."""
    body, content_type = metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def _drain(app: web.Application) -> None:
    if app[DRAINING].stopping:
        return  # `serve` drains them itself, after the requests in flight, within its budget
    runtime = app[RUNTIME]
    await runtime.tasks.drain()
