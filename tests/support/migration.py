"""The extended map's next version as its owners might write it, for the migration tests:
built from the shipped extended map (version 2) by editing its data, so it follows
whatever that map says today.

Version 3: Demo is renamed (id `demo` → `solution_demo`); MQL and Sales engagement are
merged into one stage, `qualified_lead`, whose checklist is both of theirs; Discovery
drops `requirements` and gains a required `success_criteria`; Proposal's
`discount_approved` now asks for the approver (a person), where it asked for nothing.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from flows.loader import SHIPPED_DIR, parse_map
from flows.schema import ProcessMap

MAPPING_YAML = """\
# extended@2 → extended@3: where the deals of renamed and merged stages go
from: extended@2
to: extended@3
stages:
  demo: solution_demo
  mql: qualified_lead
  sales_engagement: qualified_lead
"""
STAGE_OF = {"demo": "solution_demo", "mql": "qualified_lead", "sales_engagement": "qualified_lead"}


def extended_v2() -> ProcessMap:
    return parse_map(extended_v2_source(), file="extended@2")


def extended_v2_source() -> str:
    return (SHIPPED_DIR / "extended.yml").read_text(encoding="utf-8")


def extended_v3_source() -> str:
    data: dict[str, Any] = yaml.safe_load(extended_v2_source())
    data["version"] = 3
    stages = {stage["id"]: stage for stage in data["stages"]}
    demo = stages["demo"]
    demo["id"], demo["name"] = "solution_demo", "Solution demo"
    mql, engagement = stages["mql"], stages["sales_engagement"]
    merged = copy.deepcopy(engagement)
    merged.update(id="qualified_lead", name="Qualified lead")
    merged["exit"] = mql["exit"] + engagement["exit"]
    merged["playbook"] = mql.get("playbook", []) + engagement.get("playbook", [])
    discovery = stages["discovery"]
    discovery["exit"] = [item for item in discovery["exit"] if item["id"] != "requirements"]
    discovery["exit"].append(
        {"id": "success_criteria", "text": "Write down the buyer's success criteria"}
    )
    for item in stages["proposal"]["exit"]:
        if item["id"] == "discount_approved":
            item["evidence"] = {"prompt": "Approved by", "type": "person"}
    data["stages"] = [
        merged if stage["id"] == "mql" else stage
        for stage in data["stages"]
        if stage["id"] != "sales_engagement"
    ]
    for stage in data["stages"]:
        if "reopen" in stage:
            renamed = [STAGE_OF.get(target, target) for target in stage["reopen"]]
            stage["reopen"] = list(dict.fromkeys(renamed))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def extended_v3() -> ProcessMap:
    return parse_map(extended_v3_source(), file="extended@3")
