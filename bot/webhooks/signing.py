"""How a delivery is signed (docs/webhooks.md has the receiver's side): HMAC-SHA256 with
the endpoint's secret over `v1:<timestamp>:<body>`, so a captured body cannot be replayed
with a new timestamp, nor a timestamp moved to another body."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Stagecoach-Signature"
TIMESTAMP_HEADER = "X-Stagecoach-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Stagecoach-Event"


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, as 64 hex characters."""
    return secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    """`v1=<hex>`: what the signature header carries."""
    signed = f"v1:{timestamp}:{body}".encode()
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def idempotency_key(event_id: str, endpoint_id: int) -> str:
    """The same for every try of one outbox row (one event to one endpoint)."""
    return f"{event_id}.{endpoint_id}"


def headers(
    *, secret: str, timestamp: int, body: str, event_id: str, endpoint_id: int, kind: str
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        TIMESTAMP_HEADER: str(timestamp),
        IDEMPOTENCY_HEADER: idempotency_key(event_id, endpoint_id),
        EVENT_HEADER: kind,
    }
