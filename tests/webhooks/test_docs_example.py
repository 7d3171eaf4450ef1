"""docs/webhooks.md cannot drift: its verification snippet accepts what the sender signs
(and refuses a tampered body or an old timestamp), and its example body has the keys a
real event has."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from bot.deals.stage_events import outbound_of_change
from bot.webhooks.signing import headers, new_secret
from flows.loader import load_shipped
from flows.machine import Flow
from storage.models import Deal, DealStatus

DOC = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text(encoding="utf-8")


def block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DOC, re.S)
    assert found, f"docs/webhooks.md has a {language} block"
    return found[1]


def test_the_documented_check_accepts_a_signed_delivery() -> None:
    namespace: dict[str, Any] = {}
    exec(block("python"), namespace)
    verified = namespace["verified"]
    secret, body = new_secret(), '{"id": "e1", "type": "deal.won"}'
    now = int(time.time())
    sent = headers(secret=secret, timestamp=now, body=body, event_id="e1", endpoint_id=3, kind="won")  # fmt: skip

    assert verified(secret, sent, body.encode())
    assert not verified(secret, sent, body.replace("won", "lost").encode())
    assert not verified(new_secret(), sent, body.encode())
    old = headers(secret=secret, timestamp=now - 3600, body=body, event_id="e1", endpoint_id=3, kind="won")  # fmt: skip
    assert not verified(secret, old, body.encode())


def test_the_documented_body_has_a_real_event_s_keys() -> None:
    flow = Flow(load_shipped("default"))
    deal = Deal(id=42, team_id="T1", name="Acme", name_key="acme", owner_id="U1", created_by="U1", map_id="default", map_version=1, stage="closed_won", status=DealStatus.WON)  # fmt: skip
    event = {"kind": "advanced", "to_stage": "closed_won", "from_stage": "commit", "at": deal.created_at, "actor_id": "U1"}  # fmt: skip
    [outbound] = outbound_of_change(deal, flow, [event])
    real, documented = json.loads(outbound.payload), json.loads(block("json"))

    assert real["type"] == "deal.won"
    assert set(real) == set(documented)
    assert set(real["deal"]) == set(documented["deal"])
