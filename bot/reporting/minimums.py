"""How much history each KPI needs before it is shown as a number, in one place: the reports
read these, and `stagecoach stats --help`, the README and docs/kpis.md list them.

Below its minimum a KPI is never shown as 0 or as a rate of nothing: it says what it lacks
and how much it has ("not enough won deals yet (2)").
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.i18n import _

# a velocity from one or two quick wins is a guess: $122,534,101 a day from one deal won
# minutes after it was created
VELOCITY_MIN_WON = 5  # won deals with an amount, in the currency
VELOCITY_MIN_CYCLE_DAYS = 1.0  # median sales cycle
# the reverse funnel divides by a stage's conversion: from a few decided entries one
# loss more or less changes the plan several times over
PLAN_MIN_DECIDED = 10  # decided entries of the stage


@dataclass(frozen=True, slots=True)
class Minimum:
    kpi: str
    needs: str


def minimums() -> list[Minimum]:
    """Every KPI and the least it is computed from (for --help and the docs)."""
    return [
        Minimum(_("conversion"), _("1 decided entry (moved on or left); shown with how many")),
        Minimum(_("win rate"), _("1 deal won or lost in the period")),
        Minimum(_("sales cycle"), _("1 deal won in the period")),
        Minimum(_("time in stage"), _("1 completed stay")),
        Minimum(_("average won amount"), _("1 won deal with an amount, per currency")),
        Minimum(
            _("velocity"),
            _(
                "{won} won deals with an amount in the currency and a median cycle of {days:g} day or more"
            ).format(won=VELOCITY_MIN_WON, days=VELOCITY_MIN_CYCLE_DAYS),
        ),
        Minimum(
            _("plan, a stage's measured conversion"),
            _("{decided} decided entries; below that the map's probabilities are used").format(
                decided=PLAN_MIN_DECIDED
            ),
        ),
        Minimum(_("first response"), _("1 deal with an event after its creation")),
    ]


def minimums_text() -> str:
    return "\n".join(f"  {m.kpi}: {m.needs}" for m in minimums())
