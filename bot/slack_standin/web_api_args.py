"""Read a Web API call's arguments the way Slack does: query string, form or JSON body, token."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.slack_standin.records import JsonDict, SlackError

# Arguments Slack accepts as JSON-encoded strings inside form bodies (and slack_sdk sends so).
JSON_STRING_ARGS = ("blocks", "attachments", "view", "files", "metadata")


async def read_args(request: web.Request) -> JsonDict:
    """Merge the query string with the body; decode JSON-string arguments."""
    args: JsonDict = dict(request.query)
    if request.content_type == "multipart/form-data":
        form = await request.post()
        args.update({key: value for key, value in form.items() if isinstance(value, str)})
    else:
        args.update(_parse_body(await request.read(), content_type=request.content_type))
    return decode_json_strings(args)


def _parse_body(raw: bytes, *, content_type: str) -> JsonDict:
    if not raw:
        return {}
    text = raw.decode("utf-8", errors="replace")
    if content_type == "application/json":
        try:
            body = json.loads(text)
        except json.JSONDecodeError as error:
            raise SlackError("invalid_json") from error
        if not isinstance(body, dict):
            raise SlackError("invalid_json")
        return body
    return dict(parse_qsl(text, keep_blank_values=True))


def decode_json_strings(args: JsonDict) -> JsonDict:
    """`blocks='[...]'` in a form body becomes a list; undecodable strings stay as sent."""
    for key in JSON_STRING_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # Left a string if undecodable: the block checks report `invalid_blocks_format`.
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(value)
    return args


def pop_token(args: JsonDict, headers: Mapping[str, str]) -> str | None:
    """The token from `Authorization: Bearer …`, else from a `token` argument (both are legal).

    Pass the request's case-insensitive headers: clients differ in header-name case.
    """
    auth = headers.get("Authorization", "")
    token = args.pop("token", None)
    if auth.startswith("Bearer "):
        return auth.removeprefix("Bearer ").strip() or None
    return token if isinstance(token, str) and token else None


def check_token(token: str | None) -> None:
    if token is None:
        raise SlackError("not_authed")
    if not token.startswith("xox"):
        raise SlackError("invalid_auth")


def truthy(value: Any) -> bool:
    """Slack booleans arrive as JSON true, "true" or "1" (slack_sdk turns True into "1")."""
    return value is True or str(value).lower() in ("1", "true")


def required(args: JsonDict, key: str, *, error: str) -> str:
    """A required string argument, or Slack's error for its absence."""
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise SlackError(error)
    return value
