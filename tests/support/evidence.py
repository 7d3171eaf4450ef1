"""A value an item's evidence accepts, per type (docs/maps.md, "Evidence"): for tests that
tick items of a map they did not write (the shipped maps, generated ones) and need the
tick to go through, not to be refused for its value."""

from __future__ import annotations

from bot.core.values import BadValue
from bot.deals.evidence_values import read_evidence_value
from flows.schema import Evidence, EvidenceType

# As a rep would type them in `/deal tick n="…"`; each is checked by the reader below.
AS_TYPED: dict[EvidenceType, str] = {
    EvidenceType.TEXT: "Jane Doe, CFO",
    EvidenceType.NUMBER: "1,200",
    EvidenceType.MONEY: "$50k",
    EvidenceType.DATE: "15 Jan 2027",
    EvidenceType.PERSON: "<@U0CSM00001|cara>",  # as Slack escapes a mention in a command
    EvidenceType.URL: "example.com/handoff",
}


def valid_value(evidence: Evidence) -> str:
    """A value `evidence` accepts, as typed (for a choice, its first option); it fails the
    test at once if the reader refuses it, rather than as a tick refused much later."""
    value = evidence.options[0] if evidence.type is EvidenceType.CHOICE else AS_TYPED[evidence.type]
    read = read_evidence_value(evidence, value)
    assert not isinstance(read, BadValue), f"{value!r} for {evidence}: {read}"
    return value


def recorded_value(evidence: Evidence) -> str:
    """valid_value as the bot keeps it (a date as YYYY-MM-DD, a person as `<@U…>`): for
    ticks a test writes itself, as a tick through the bot would have written them."""
    read = read_evidence_value(evidence, valid_value(evidence))
    assert not isinstance(read, BadValue)
    return read
