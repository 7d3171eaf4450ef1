"""A small imported history with known answers (default map, all of it in January and
February 2026; the test clock reads 2026-03-02).

Main path positions: qualify 0, discovery 1, demo 2, proposal 3, commit 4, closed_won 5,
onboarding 6. What each deal does (days in a stage in brackets):

D1 Acme    R1 10,000  qualify 01-01 (2) discovery (5) demo (7) proposal (5) commit (11)
                      closed_won 01-31                      → won, cycle 30 days
D2 Beta    R1 20,000  qualify 01-02 (4) discovery (10) lost 01-16 "Price too high"
D3 Gamma   R2 30,000  qualify 01-05 (4) demo 01-09 (skips discovery; 10) proposal (20)
                      closed_won 02-08 (skips commit)       → won, cycle 34 days
D4 Delta   R2 40,000  qualify 01-10 (1) discovery (10) nurture 01-21 (11) discovery 02-01
                      (reopened; 10) demo 02-11 (open)
D5 Epsilon R1 50,000  qualify 01-12 (2) disqualified 01-14 "No fit"
D6 Zeta    R2 –       qualify 02-20 (open; no second event)
D7 Eta     R1 60,000  qualify 01-03 (2) discovery (5) demo 01-10 (20) lost 01-30 "Chose a
                      competitor" (10) demo 02-09 (reopened; 10) proposal 02-19 (open)
D8 Theta   R1 15,000  qualify 01-20 (2) discovery (5) demo (5) proposal 02-01 (10)
                      lost 02-11 "Chose a competitor went with Globex" (mapped to "Chose
                      a competitor" by REASONS_CSV)
D9 Iota    R2 25,000  qualify 01-15 (3) discovery (7) demo 01-25 (10) discovery 02-04
                      (a move back; 2) demo 02-06 (open)

The rows are deliberately out of order (import sorts them by deal and time).
"""

from __future__ import annotations

import io

from bot.core.context import Services
from bot.history.importing import ImportReport, import_history
from bot.history.mapping import Mappings, read_reasons

TEAM = "T1"
R1, R2 = "UREPAAA01", "UREPBBB02"
MANAGER = "UMGR00001"

ROWS = [
    ("D1", "Acme", R1, "10000", "qualify", "2026-01-01", ""),
    ("D1", "Acme", R1, "10000", "discovery", "2026-01-03", ""),
    ("D1", "Acme", R1, "10000", "demo", "2026-01-08", ""),
    ("D1", "Acme", R1, "10000", "proposal", "2026-01-15", ""),
    ("D1", "Acme", R1, "10000", "commit", "2026-01-20", ""),
    ("D1", "Acme", R1, "10000", "closed_won", "2026-01-31", ""),
    ("D2", "Beta", R1, "20000", "qualify", "2026-01-02", ""),
    ("D2", "Beta", R1, "20000", "discovery", "2026-01-06", ""),
    ("D2", "Beta", R1, "20000", "lost", "2026-01-16", "Price too high"),
    ("D3", "Gamma", R2, "30000", "qualify", "2026-01-05", ""),
    ("D3", "Gamma", R2, "30000", "demo", "2026-01-09", ""),
    ("D3", "Gamma", R2, "30000", "proposal", "2026-01-19", ""),
    ("D3", "Gamma", R2, "30000", "closed_won", "2026-02-08", ""),
    ("D4", "Delta", R2, "40000", "qualify", "2026-01-10", ""),
    ("D4", "Delta", R2, "40000", "discovery", "2026-01-11", ""),
    ("D4", "Delta", R2, "40000", "nurture", "2026-01-21", ""),
    ("D4", "Delta", R2, "40000", "discovery", "2026-02-01", ""),
    ("D4", "Delta", R2, "40000", "demo", "2026-02-11", ""),
    ("D5", "Epsilon", R1, "50000", "qualify", "2026-01-12", ""),
    ("D5", "Epsilon", R1, "50000", "disqualified", "2026-01-14", "No fit"),
    ("D6", "Zeta", R2, "", "qualify", "2026-02-20", ""),
    ("D7", "Eta", R1, "60000", "qualify", "2026-01-03", ""),
    ("D7", "Eta", R1, "60000", "discovery", "2026-01-05", ""),
    ("D7", "Eta", R1, "60000", "demo", "2026-01-10", ""),
    ("D7", "Eta", R1, "60000", "lost", "2026-01-30", "Chose a competitor"),
    ("D7", "Eta", R1, "60000", "demo", "2026-02-09", ""),
    ("D7", "Eta", R1, "60000", "proposal", "2026-02-19", ""),
    ("D8", "Theta", R1, "15000", "qualify", "2026-01-20", ""),
    ("D8", "Theta", R1, "15000", "discovery", "2026-01-22", ""),
    ("D8", "Theta", R1, "15000", "demo", "2026-01-27", ""),
    ("D8", "Theta", R1, "15000", "proposal", "2026-02-01", ""),
    ("D8", "Theta", R1, "15000", "lost", "2026-02-11", "Chose a competitor went with Globex"),
    ("D9", "Iota", R2, "25000", "qualify", "2026-01-15", ""),
    ("D9", "Iota", R2, "25000", "discovery", "2026-01-18", ""),
    ("D9", "Iota", R2, "25000", "demo", "2026-01-25", ""),
    ("D9", "Iota", R2, "25000", "discovery", "2026-02-04", ""),
    ("D9", "Iota", R2, "25000", "demo", "2026-02-06", ""),
]
HEADER = "deal_id,deal_name,owner,amount,currency,stage,entered_at,reason"
# D8's reason is the map's "Chose a competitor" with a note: an import keeps an unknown reason
# verbatim unless told, so the history comes with the reasons file that says so.
REASONS_CSV = "imported_reason,reason\nChose a competitor went with Globex,Chose a competitor\n"


def csv_text(rows: list[tuple[str, ...]] | None = None, *, shuffled: bool = True) -> str:
    chosen = list(ROWS if rows is None else rows)
    if shuffled:  # a fixed, thorough shuffle: every second row first, then the rest reversed
        chosen = chosen[::2] + chosen[1::2][::-1]
    lines = [HEADER]
    for deal, name, owner, amount, stage, at, reason in chosen:
        lines.append(
            f"{deal},{name},{owner},{amount},{'USD' if amount else ''},{stage},{at},{reason}"
        )
    return "\n".join(lines) + "\n"


async def import_text(
    services: Services, text: str, *, team_id: str = TEAM, map_reasons: bool = True
) -> ImportReport:
    process_map = services.catalog.current
    reasons = io.StringIO(REASONS_CSV if map_reasons else "imported_reason,reason\n")
    return await import_history(
        services,
        team_id=team_id,
        lines=io.StringIO(text),
        process_map=process_map,
        mappings=Mappings(reasons=read_reasons("reasons.csv", reasons, process_map)),
    )
