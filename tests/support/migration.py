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
import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import yaml
from sqlmodel import SQLModel

from flows.loader import SHIPPED_DIR, parse_map
from flows.schema import ProcessMap
from storage.database import Database

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


# -- a generated workspace on extended@2 ------------------------------------------------------

PATH = (
    "brand_awareness",
    "brand_engagement",
    "mql",
    "sales_engagement",
    "sql",
    "discovery",
    "demo",
    "proposal",
    "verbal",
)
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Seeded:
    """A generated deal as the generator made it (what the tests expect is computed from
    these facts, never read back from the code under test)."""

    deal_id: int
    team_id: str
    status: str  # open, won, lost
    path: tuple[str, ...]  # the stages it entered, in order
    ticks: dict[str, frozenset[str]]  # stage → item ids ticked there

    @property
    def stage(self) -> str:
        return self.path[-1]


def _evidence(item: Any) -> str | None:
    if item.evidence is None:
        return None
    if item.evidence.options:
        return str(item.evidence.options[0])
    return "2026-02-01" if item.evidence.type.value == "date" else "12"


def _plan(index: int, rng: random.Random, source: ProcessMap) -> Seeded:
    team = "T2" if index % 10 == 9 else "T1"
    roll = rng.random()
    if roll < 0.06:
        status, path = "won", (*PATH, "contract_signed")
    elif roll < 0.12:
        status, path = "lost", (*PATH[: rng.randint(1, len(PATH))], "lost")
    else:
        status, path = "open", PATH[: rng.randint(1, len(PATH))]
    ticks = {}
    for number, stage_id in enumerate(path):
        items = [item.id for item in source.stage(stage_id).exit]
        last = number == len(path) - 1
        chosen = [i for i in items if rng.random() < 0.5] if last and status == "open" else items
        ticks[stage_id] = frozenset(chosen)
    return Seeded(index + 1, team, status, tuple(path), ticks)


async def seed_deals(db: Database, count: int, *, seed: int = 19) -> list[Seeded]:
    """`count` deals on extended@2 (ids 1…count), each with its history and ticks,
    written in a few bulk statements: most open in every stage before the win, some won,
    some lost, a tenth in a second workspace."""
    rng, source = random.Random(seed), extended_v2()
    seeded = [_plan(index, rng, source) for index in range(count)]
    deals, events, ticks = [], [], []
    for deal in seeded:
        entered = [
            START + dt.timedelta(days=n, minutes=deal.deal_id) for n in range(len(deal.path))
        ]
        deals.append(
            dict(
                id=deal.deal_id, team_id=deal.team_id, name=f"Deal {deal.deal_id}",
                name_key=f"deal {deal.deal_id}", currency="USD", amount=1000.0,
                owner_id="UREP", created_by="UREP", map_id="extended", map_version=2,
                stage=deal.stage, status=deal.status, version=1 + len(deal.path),
                close_pushes=0, is_practice=False, created_at=entered[0],
                updated_at=entered[-1], stage_entered_at=entered[-1],
                last_activity_at=entered[-1],
            )
        )  # fmt: skip
        base = dict(team_id=deal.team_id, deal_id=deal.deal_id, map_id="extended", actor_id="UREP")  # fmt: skip
        events.append({**base, "kind": "created", "at": entered[0], "to_stage": deal.path[0]})
        for n in range(1, len(deal.path)):
            kind, action = ("branched", "lose") if deal.path[n] == "lost" else ("advanced", None)
            events.append({**base, "kind": kind, "action": action, "at": entered[n], "from_stage": deal.path[n - 1], "to_stage": deal.path[n], "stay_started_at": entered[n - 1]})  # fmt: skip
        for stage_id, items in deal.ticks.items():
            stage = source.stage(stage_id)
            for item_id in sorted(items):
                ticks.append(dict(team_id=deal.team_id, deal_id=deal.deal_id, stage=stage_id, item_id=item_id, ticked_by="UREP", ticked_at=START, evidence=_evidence(stage.item(item_id))))  # fmt: skip
    async with db.write() as session:
        connection = await session.connection()
        for table, rows in (("deal", deals), ("deal_event", events), ("exit_tick", ticks)):
            columns = SQLModel.metadata.tables[table]
            keys = [c.name for c in columns.columns if c.name != "id" or table == "deal"]
            for start in range(0, len(rows), 5000):
                chunk = [{k: row.get(k) for k in keys} for row in rows[start : start + 5000]]
                await connection.execute(columns.insert(), chunk)
        if not db.is_sqlite:  # ids given explicitly: move the sequence past them
            await connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('deal', 'id'), {count})"
            )
    return seeded
