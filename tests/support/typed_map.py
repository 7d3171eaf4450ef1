"""A small map whose first stage asks for evidence of every type (docs/maps.md), for the
tests of evidence as part of the tick: what each type accepts, the Slack input each one
gets, and the errors beside the field."""

from __future__ import annotations

from typing import Any

import yaml

from bot.core.catalog import MapCatalog
from flows.loader import parse_map

# item id → (evidence, a good value as typed, what is recorded, a bad value)
TYPED: dict[str, tuple[dict[str, Any] | str, str, str, str]] = {
    "notes": ("Call notes", "Buyer said: Q1, maybe", "Buyer said: Q1, maybe", " "),
    "seats": ({"prompt": "Seats", "type": "number"}, "1,200", "1200", "a dozen"),
    "budget": ({"prompt": "Budget", "type": "money"}, "$50k", "50,000 USD", "lots"),
    "decided_by": (
        {"prompt": "Decision date", "type": "date"},
        "15 Jan 2027",
        "2027-01-15",
        "soon",
    ),
    "champion": ({"prompt": "Champion", "type": "person"}, "<@U0CHAMP|cat>", "<@U0CHAMP>", "Cat"),
    "order": (
        {"prompt": "Signed order", "type": "url"},
        "example.com/order.pdf",
        "https://example.com/order.pdf",
        "not a link",
    ),
    "tier": (
        {"prompt": "Tier", "type": "choice", "options": ["Starter", "Growth", "Enterprise"]},
        "growth",
        "Growth",
        "Platinum",
    ),
}
PLAIN = "intro"  # an item that asks for no evidence
SIGNED_OFF = "sign_off"  # `validate: manager`: counts once the rep's manager confirms it


def typed_map_source() -> str:
    items = [{"id": PLAIN, "text": "Hold the intro call"}]
    items += [
        {"id": item_id, "text": f"Record the {item_id.replace('_', ' ')}", "evidence": evidence}
        for item_id, (evidence, *_rest) in TYPED.items()
    ]
    items[-1]["required"] = False  # an optional item that asks for evidence too
    items.append(
        {
            "id": SIGNED_OFF,
            "text": "Get the pricing signed off",
            "evidence": "Who signed it off, and the price",
            "validate": "manager",
        }
    )
    stage = {"owner": "Sales", "entry": "A buyer is talking to us", "activities": ["Talk"]}
    data = {
        "id": "typed",
        "title": "Typed evidence",
        "version": 1,
        "stages": [
            {
                **stage,
                "id": "qualify",
                "name": "Qualify",
                "exit": items,
                "probability": 10,
                "branches": ["lose"],
            },
            {**stage, "id": "propose", "name": "Propose", "exit": [], "probability": 50},
            {**stage, "id": "won", "name": "Won", "won": True, "probability": 100},
            {
                **stage,
                "id": "lost",
                "name": "Lost",
                "kind": "lost",
                "probability": 0,
                "reopen": ["qualify"],
            },
        ],
        "lost_reasons": ["No budget"],
    }
    return yaml.safe_dump(data, sort_keys=False)


def typed_catalog() -> MapCatalog:
    source = typed_map_source()
    return MapCatalog(parse_map(source, file="typed.yml"), source=source)
