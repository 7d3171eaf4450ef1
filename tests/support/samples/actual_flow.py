"""A sample of what deals actually did on the default map, built by hand (no database):
for the view tests (tests/views/test_views_outcomes.py wants a sample of every outcome),
the picture's tests and the text's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.reporting.outcomes import ActualFlowReport
from bot.reporting.periods import Period
from flows.actual_flow import ActualFlow, FlowEdge, StageLoad
from flows.loader import load_shipped

MAP = load_shipped("default")
EDGES = (
    FlowEdge(None, "qualify", 120, on_map=True),
    FlowEdge(None, "proposal", 4, on_map=False),  # imported mid-way
    FlowEdge("qualify", "discovery", 80, on_map=True),
    FlowEdge("qualify", "demo", 12, on_map=False),  # a skip
    FlowEdge("qualify", "disqualified", 9, on_map=True),
    FlowEdge("discovery", "demo", 60, on_map=True),
    FlowEdge("discovery", "nurture", 7, on_map=True),
    FlowEdge("demo", "proposal", 50, on_map=True),
    FlowEdge("demo", "discovery", 5, on_map=False),  # a move back
    FlowEdge("demo", "lost", 11, on_map=True),
    FlowEdge("proposal", "commit", 35, on_map=True),
    FlowEdge("proposal", "closed_won", 3, on_map=False),  # skips the commit
    FlowEdge("commit", "closed_won", 30, on_map=True),
    FlowEdge("lost", "demo", 2, on_map=True),
)
LOADS = {
    "qualify": StageLoad("qualify", 101, 0.62, 9.5),  # mostly over its 7 days
    "discovery": StageLoad("discovery", 65, 0.31, 12.0),  # often
    "demo": StageLoad("demo", 66, 0.1, 8.0),  # rarely
    "proposal": StageLoad("proposal", 38, 0.5, 14.0),  # mostly, fewer stays
    "commit": StageLoad("commit", 30, 0.2, 9.0),
    "lost": StageLoad("lost", 2, 1.0, 200.0),  # too few stays to call it overstayed
}
FLOW = ActualFlow(
    map_id=MAP.id,
    map_version=MAP.version,
    edges=EDGES,
    stages=tuple(LOADS.get(s.id, StageLoad(s.id, 0, None, None)) for s in MAP.stages),
)
PERIOD = Period.between(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def sample_actual_flow(**changes: Any) -> ActualFlowReport:
    values: dict[str, Any] = {
        "process_map": MAP,
        "flow": FLOW,
        "scope_title": "your team",
        "period": PERIOD,
    }
    return ActualFlowReport(**(values | changes))


SAMPLES: dict[type, Callable[[], Any]] = {ActualFlowReport: sample_actual_flow}
