"""Sign request bodies the way Slack does, so Bolt's signature check accepts them.

`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the app's signing secret
(the scheme slack_sdk.signature.SignatureVerifier checks). Sign the exact string you send.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class SignedRequest(NamedTuple):
    """A body and the headers Slack sends with it; unpacks as `body, headers`."""

    body: str
    headers: dict[str, str]


def sign(body: str, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The X-Slack-Request-Timestamp and X-Slack-Signature headers for `body`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def signed_request(
    body: str, *, secret: str, content_type: str = FORM, timestamp: int | None = None
) -> SignedRequest:
    """Any body, signed, with its Content-Type (slash commands are a plain form body)."""
    headers = {"Content-Type": content_type, **sign(body, secret, timestamp=timestamp)}
    return SignedRequest(body, headers)


def signed_form(
    payload: Mapping[str, Any], *, secret: str, timestamp: int | None = None
) -> SignedRequest:
    """`payload=<urlencoded JSON>`: how block_actions and view_submission arrive."""
    body = urlencode({"payload": json.dumps(payload)})
    return signed_request(body, secret=secret, timestamp=timestamp)


def signed_event(
    envelope: Mapping[str, Any], *, secret: str, timestamp: int | None = None
) -> SignedRequest:
    """A raw JSON body: how Events API callbacks arrive."""
    return signed_request(
        json.dumps(envelope), secret=secret, content_type=JSON, timestamp=timestamp
    )
