"""True/false statements on the principles of the source article (a Turkish article on
sales process mapping, "Satış Süreci Haritalama", that the product is built on), restated
in English. Each says why it is true or false; `{owners}` and `{sides}` in the reason are
filled from the map the quiz is about, so the answer points at something the rep has just
seen in the tour."""

from __future__ import annotations

from dataclasses import dataclass

from flows.i18n import N_, _


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    statement: str
    true: bool
    why: str  # may hold {owners} and {sides}


# The English source, marked for extraction (N_); principles() translates it when a quiz is
# made, not at import.
PRINCIPLES: tuple[Principle, ...] = (
    Principle(
        "only_sales",
        N_("A sale involves only the sales department."),
        False,
        N_(
            "Every sale is teamwork: each department that touches a deal owns part of the "
            "process. This map's owner teams: {owners}."
        ),
    ),
    Principle(
        "map_ideal",
        N_(
            "The map should show the process as it ought to run, even where deals really go another way."
        ),
        False,
        N_(
            "Map what actually happens, not what you think should happen: study the real "
            "path of your last deals, the time between steps and where they stalled."
        ),
    ),
    Principle(
        "specific_steps",
        N_("Each step should be specific enough that anyone can see exactly what to do next."),
        True,
        N_(
            "Vague steps are the first mistake the source lists: be specific, write it down, share it."
        ),
    ),
    Principle(
        "actionable_steps",
        N_("A step belongs on the map even if nobody can actually carry it out."),
        False,
        N_("Steps must be actionable: things people can really do to move the deal on."),
    ),
    Principle(
        "more_detail",
        N_("The more steps and detail a stage has, the better the map works."),
        False,
        N_(
            "Too much detail is a mistake too: give enough to be clear, and no more, so the "
            "steps do not pull focus from the goal."
        ),
    ),
    Principle(
        "living_document",
        N_("Once the map is agreed, it is fixed and should not change."),
        False,
        N_(
            "The map is a living document: track the numbers, review it often and take "
            "feedback from the people who use it (/deal feedback)."
        ),
    ),
    Principle(
        "no_before_yes",
        N_("Many buyers say no several times before they finally say yes."),
        True,
        N_(
            "Most buyers (the source says about 80%) say yes only after several noes: a map "
            "plans for the no that is meant and for the one that is not. This map's side "
            "exits: {sides}."
        ),
    ),
    Principle(
        "straight_line",
        N_("A sales process map is always one straight line from first contact to signature."),
        False,
        N_(
            "A realistic map is a flowchart with a decision at each point: buyers say no, "
            "not now, or come back. This map's side exits: {sides}."
        ),
    ),
    Principle(
        "four_parts",
        N_(
            "For every stage a map gives its name, what lets a deal be in it, what happens in "
            "it and the checklist to move on."
        ),
        True,
        N_("These four pieces of information make an effective map; the tour showed each of them."),
    ),
    Principle(
        "start_from_end",
        N_("Mapping starts from the end: a clear, concrete goal."),
        True,
        N_(
            "Planning any route needs the destination first; then the steps to get there are easier to find."
        ),
    ),
    Principle(
        "measure",
        N_("Without tracking and measuring the process, you cannot tell whether it works."),
        True,
        N_(
            "What gets measured gets managed: cycle length, conversion rates, first "
            "response time, churn and revenue show whether the map works."
        ),
    ),
    Principle(
        "customer_first",
        N_("A step that helps us but gives the buyer nothing still belongs on the map."),
        False,
        N_("Put the customer first: give buyers clear value at every step, even when they say no."),
    ),
    Principle(
        "all_stakeholders",
        N_("To map the process, talk with every department and person who takes part in it."),
        True,
        N_(
            "Everyone involved should have a voice: nobody knows a stage better than the people who work it."
        ),
    ),
)


def principles() -> list[Principle]:
    """The principles in the reader's language."""
    return [Principle(p.id, _(p.statement), p.true, _(p.why)) for p in PRINCIPLES]
