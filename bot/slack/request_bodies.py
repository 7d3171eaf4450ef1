"""Reading a request body as Bolt will, and refusing what Slack would never send (400
before the signature check, so that nothing reaches Bolt in a shape that makes it raise):
broken JSON, a payload without the fields Bolt reads before any listener, a field of a type
Bolt does not expect, a NUL or a lone surrogate. Used by bot/slack/http.py."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from flows.i18n import _

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
