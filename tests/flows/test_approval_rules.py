"""The approval forms a map may write (flows/approval_rules.py, docs/maps.md): `by` and
`when` are read when the map loads; anything else stops the load with the line and what
is allowed, and a condition is never run as code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.approval_rules import ApproverKind, Condition, parse_approver, parse_condition
from flows.loader import parse_map
from flows.problems import MapError
from tests.support.approval_map import approval_map_source


@pytest.mark.parametrize(
    ("text", "amount", "holds"),
    [
        ("amount >= 100000", 100_000, True),
        ("amount >= 100_000", 99_999.99, False),
        ("amount > 1,000", 1_000, False),
        ("amount<=50", 50, True),
        ("amount < 50", 50, False),
        ("amount == 7.5", 7.5, True),
        ("amount >= 100000", None, True),  # no amount yet: not known to be small
    ],
)
def test_a_condition_reads_the_deals_amount(text: str, amount: float | None, holds: bool) -> None:
    assert parse_condition(text).holds(amount) is holds


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        ("manager", ApproverKind.MANAGER, None),
        ("admin", ApproverKind.ADMIN, None),
        ("@U0CFO0001", ApproverKind.PERSON, "U0CFO0001"),
        ("#C0DEALDESK", ApproverKind.CHANNEL, "C0DEALDESK"),
    ],
)
def test_the_four_approvers(text: str, kind: ApproverKind, target: str | None) -> None:
    approver = parse_approver(text)
    assert (approver.kind, approver.target, approver.written) == (kind, target, text)


@given(st.text(max_size=60))
def test_any_text_is_a_condition_or_a_clear_refusal(text: str) -> None:
    try:
        condition = parse_condition(text)
    except ValueError as error:
        assert "amount" in str(error)  # says what would be right
    else:
        assert isinstance(condition, Condition) and condition.field == "amount"


@pytest.mark.parametrize(
    ("approval", "said"),
    [
        ("{by: boss}", "an approver is `manager`, `admin`"),
        ("{by: manager, when: \"__import__('os').system('true')\"}", "a condition is a field"),
        ('{by: manager, when: "stage >= 3"}', "`stage` is not a field"),
        ('{by: manager, when: "amount >= 1 or 1"}', "a condition is a field"),
        ('{when: "amount > 5"}', "missing required field 'by'"),
    ],
)
def test_a_bad_approval_stops_the_map_with_its_line(approval: str, said: str) -> None:
    source = approval_map_source().replace("approval:\n      by: admin", f"approval: {approval}")
    assert f"approval: {approval}" in source
    with pytest.raises(MapError) as raised:
        parse_map(source, file="approvals.yml")
    text = str(raised.value)
    assert "approvals.yml:" in text and said in text and "hint:" in text


def test_an_item_is_validated_or_approved_never_both() -> None:
    source = approval_map_source().replace(
        "approval:\n      by: admin", "validate: manager\n    approval:\n      by: admin"
    )
    with pytest.raises(MapError, match="either validated"):
        parse_map(source, file="approvals.yml")
