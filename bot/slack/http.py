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

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.slack.runtime import SORRY, Runtime
from bot.slack.shutdown import Draining
from flows.i18n import _

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
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
    app.on_shutdown.append(_drain)
    return app


def _events_handler(bolt: AsyncApp, verifier: SignatureVerifier) -> Any:
    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _bad(_("the body is not UTF-8"))
        # Shape first: a body that cannot be parsed is a 400 whether or not it is signed
        # (checking it has no effects); then nothing unsigned goes further.
        parsed = parse_slack_body(body, request.content_type)
        if isinstance(parsed, str):
            return _bad(parsed)
        if is_ssl_probe(parsed):
            return web.Response(status=200)  # as Bolt's SslCheck: empty, and nothing else
        if not _signed(verifier, request, body):
            return web.json_response({"error": "invalid_signature"}, status=401)
        return await _dispatch(bolt, request, body, parsed)

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
        response = await bolt.async_dispatch(bolt_request)
    except Exception:
        log.exception("dispatch failed")
        return web.json_response({"response_type": "ephemeral", "text": SORRY.text})
    if response.status == 404:  # an event or action nobody listens to: not Slack's problem
        return web.Response(status=200)
    if response.status >= 500:
        return web.json_response({"response_type": "ephemeral", "text": SORRY.text})
    return await to_aiohttp_response(response)


Parsed = dict[str, Any]  # the body as Bolt reads it: the JSON, the payload's JSON, the form


def parse_slack_body(body: str, content_type: str) -> Parsed | str:
    """The body as Bolt would read it, or why it is not a request Slack would send."""
    if content_type == "application/json":
        return _json_body(body)
    form = dict(parse_qsl(body, keep_blank_values=True))  # as Bolt's parse_body reads forms
    if "payload" in form:
        return _interactive_body(form["payload"])
    if "ssl_check" in form or "command" in form:
        return _unsendable_problem(form) or form
    return _("expected a slash command, a payload= form or a JSON event")


def _json_body(body: str) -> Parsed | str:
    data = _typed_json(
        body, unreadable=_("the JSON body cannot be parsed"), untyped=_("the event has no type")
    )
    if isinstance(data, str):
        return data
    if data["type"] == "event_callback" and not isinstance(data.get("event"), dict):
        return _("the event_callback has no event")
    return _bolt_fields_problem(data) or _unsendable_problem(data) or data


def _interactive_body(payload: str) -> Parsed | str:
    data = _typed_json(
        payload, unreadable=_("payload= is not valid JSON"), untyped=_("the payload has no type")
    )
    if isinstance(data, str):
        return data
    return _interactive_problem(data) or data


def _typed_json(text: str, *, unreadable: str, untyped: str) -> Parsed | str:
    """`text` as a JSON object with a string `type` (what Bolt dispatches on), or the
    problem to answer 400 with."""
    try:
        data = json.loads(text)
    except ValueError:
        return unreadable
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return untyped
    return data


def _interactive_problem(data: Parsed) -> str | None:
    kind = data["type"]
    if kind in ("view_submission", "view_closed"):
        view = data.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("type"), str):
            return _("the payload's view is missing or has no type")
    if kind == "block_actions":
        actions = data.get("actions")
        if (
            not isinstance(actions, list)
            or not actions  # Bolt reads actions[0] before any listener runs
            or not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
        ):
            return _("the payload's actions are missing or malformed")
    if not isinstance(data.get("user"), dict) or not isinstance(
        data.get("team"), (dict, type(None))
    ):
        return _("the payload has no user")
    return _bolt_fields_problem(data) or _unsendable_problem(data)


# Bolt reads these from every body, before any listener runs, and assumes their JSON types
# (`"id" in body["user"]`, `body.get("event", {}).get(…)`): another type makes it raise.
_ID_OR_OBJECT = ("user", "team", "channel", "enterprise")
_OBJECT_OR_NULL = ("view", "container", "message", "item")
_LIST_OF_OBJECTS = ("authorizations", "response_urls")
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread")


def _bolt_fields_problem(data: dict[str, Any], *, depth: int = 0) -> str | None:
    for key in _ID_OR_OBJECT:
        if not isinstance(data.get(key), (str, dict, type(None))):
            return _("the payload's {key} is neither an id nor an object").format(key=key)
    for key in _OBJECT_OR_NULL:
        if not isinstance(data.get(key), (dict, type(None))):
            return _("the payload's {key} is not an object").format(key=key)
    if "event" in data and not isinstance(data["event"], dict):
        return _("the payload's event is not an object")
    for key in _LIST_OF_OBJECTS:
        found = data.get(key)
        if found is not None and not (
            isinstance(found, list) and all(isinstance(item, dict) for item in found)
        ):
            return _("the payload's {key} are not a list of objects").format(key=key)
    if depth < 2:  # Bolt looks into the event (and its message) for the same fields
        for key in _NESTED:
            inner = data.get(key)
            if isinstance(inner, dict) and (
                problem := _bolt_fields_problem(inner, depth=depth + 1)
            ):
                return problem
    return None


# NUL and lone surrogates: Slack never sends them (its JSON is valid UTF-8 text), and
# PostgreSQL cannot store either, so a request carrying one would fail in the database.
_UNSENDABLE = re.compile("[\x00\ud800-\udfff]")


def _unsendable_problem(data: Any) -> str | None:
    pending = [data]
    while pending:  # no recursion: a deeply nested payload must not raise RecursionError
        item = pending.pop()
        if isinstance(item, str):
            if _UNSENDABLE.search(item):
                return _("the request contains a NUL character or a broken surrogate")
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return None


def _bad(reason: str) -> web.Response:
    return web.json_response({"error": "bad_request", "reason": reason}, status=400)


async def _healthz(request: web.Request) -> web.Response:
    if request.app[DRAINING].stopping:  # a load balancer takes this replica out
        return web.json_response({"ok": False, "error": "shutting down"}, status=503)
    runtime = request.app[RUNTIME]
    if await runtime.services.db.ping():
        return web.json_response({"ok": True})
    return web.json_response({"ok": False, "error": "database unreachable"}, status=503)


async def _drain(app: web.Application) -> None:
    if app[DRAINING].stopping:
        return  # `serve` drains them itself, after the requests in flight, within its budget
    runtime = app[RUNTIME]
    await runtime.tasks.drain()
