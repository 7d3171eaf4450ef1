"""A small map whose first stage has an item for each kind of approver (docs/maps.md,
`approval`), for the tests of approvals: asked, answered, refused; lost and reopened."""

from __future__ import annotations

import yaml

from bot.core.catalog import MapCatalog
from flows.loader import parse_map

DISCOUNT = "discount"  # by the owner's manager, on deals of 100,000 or more; with a value
LEGAL = "legal"  # by an admin, always
DESK = "desk"  # by whoever answers in the deal desk's channel
CFO_SIGNS = "cfo"  # by one named person
DEAL_DESK, CFO = "C0DEALDESK", "U0CFO0001"
PLAIN = "intro"


def approval_map_source() -> str:
    items = [
        {"id": PLAIN, "text": "Hold the intro call"},
        {
            "id": DISCOUNT,
            "text": "Get the discount approved",
            "evidence": "Discount asked for, and why",
            "approval": {"by": "manager", "when": "amount >= 100_000"},
        },
        {"id": LEGAL, "text": "Get legal's sign-off", "approval": {"by": "admin"}},
        {"id": DESK, "text": "Get the deal desk's sign-off", "approval": {"by": f"#{DEAL_DESK}"}},
        {"id": CFO_SIGNS, "text": "Get the CFO's sign-off", "approval": {"by": f"@{CFO}"}},
    ]
    stage = {"owner": "Sales", "entry": "A buyer is talking to us", "activities": ["Talk"]}
    data = {
        "id": "approvals",
        "title": "Approvals",
        "version": 1,
        "stages": [
            {
                **stage,
                "id": "propose",
                "name": "Propose",
                "exit": items,
                "probability": 50,
                "branches": ["lose"],
            },
            {**stage, "id": "won", "name": "Won", "won": True, "probability": 100},
            {
                **stage,
                "id": "lost",
                "name": "Lost",
                "kind": "lost",
                "probability": 0,
                "reopen": ["propose"],
            },
        ],
        "lost_reasons": ["No budget"],
    }
    return yaml.safe_dump(data, sort_keys=False)


def approval_catalog() -> MapCatalog:
    source = approval_map_source()
    return MapCatalog(parse_map(source, file="approvals.yml"), source=source)
