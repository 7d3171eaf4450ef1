"""`stagecoach discover`: what deals actually did on a map, measured from the event
history, and the map edits that would make the map say so (docs/discovery.md).

`measure.py` runs the queries (storage.discovery_queries, storage.discovery_outcomes,
storage.kpi_queries.transitions) and assembles a `DiscoveryReport` (`report.py`) from one
section per question: the flow between stages (`flow.py`), time in stage (`timing.py`),
overridden gates (`gates.py`), checklist patterns (`ticks.py`), what won deals have that
lost ones lack (`outcomes.py`, with `significance.py`). `proposals.py` turns a report into
proposed changes, each with one reason, and `map_edits.py` writes them into a copy of the
map's YAML, its comments and order kept. Nothing here changes a deal or a map in use.
"""
