"""Editing a deal's own facts: its name, amount, currency, owner and expected close date.

Each field is read and checked first; nothing is written unless every one is good. Then
the change runs through the one change path (bot.deals.writes): who may change the deal
is the usual rule (bot.core.access.may_change), and giving it to someone else is the rule
of `/deal new … @owner` (bot.deals.creating.may_assign). Every field that changes is an
event of its own (what, from, to, who), so `/deal history` shows it; a close date moved
later counts as a push (bot.deals.close_dates).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Invalid, Outcome
from bot.core.refs import DealRef
from bot.core.values import BadValue, parse_amount
from bot.deals.close_dates import is_push, parse_close_date
from bot.deals.creating import check_name, may_assign
from bot.deals.outcomes import Edited, EditField, EditForm, FieldChange, FieldValue, Shown
from bot.deals.showing import card_to_change
from bot.deals.writes import Change, change_deal
from flows.i18n import _
from storage import queries
from storage.models import Deal, EventKind

CURRENCY_LENGTH = 3


@dataclass(frozen=True, slots=True)
class DealEdit:
    """What to change, as typed (None: leave it). The command and the form both give one."""

    name: str | None = None
    amount: str | None = None  # bot.core.values.parse_amount reads it; "65k EUR" sets both
    currency: str | None = None
    owner_id: str | None = None
    close: str | None = None  # bot.deals.close_dates reads it

    @property
    def is_empty(self) -> bool:
        given = (self.name, self.amount, self.currency, self.owner_id, self.close)
        return all(value is None for value in given)


@dataclass(frozen=True, slots=True)
class _Checked:
    """The edit's values, read and checked: what the deal would become."""

    name: str | None
    amount: float | None
    currency: str | None
    owner_id: str | None
    close: dt.date | None


async def edit_form(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    """The form on the deal's card, or why the actor may not change it."""
    shown = await card_to_change(services, actor, ref)
    return EditForm(card=shown.card) if isinstance(shown, Shown) else shown


async def edit_deal(services: Services, actor: Actor, ref: DealRef, edit: DealEdit) -> Outcome:
    if edit.is_empty:
        return Invalid(
            _("nothing to change was given"),
            _("e.g. /deal edit amount 65k close 2027-03-31, or /deal edit for the form"),
        )
    checked = _check(edit, today=services.clock().date())
    if isinstance(checked, Failure):
        return checked

    async def apply(change: Change) -> Outcome:
        return await _apply(change, checked)

    return await change_deal(services, actor, ref, apply)


def _check(edit: DealEdit, *, today: dt.date) -> _Checked | Invalid:
    name = check_name(edit.name) if edit.name is not None else None
    if isinstance(name, Invalid):
        return name
    money = _check_money(edit)
    if isinstance(money, Invalid):
        return money
    close = parse_close_date(edit.close, today=today) if edit.close is not None else None
    if isinstance(close, BadValue):
        return Invalid(close.message, close.hint, field="date")
    amount, currency = money
    return _Checked(name, amount, currency, edit.owner_id, close)


def _check_money(edit: DealEdit) -> tuple[float | None, str | None] | Invalid:
    """The amount and the currency: "65k EUR" gives both, and may not contradict a
    currency given beside it."""
    amount = parse_amount(edit.amount) if edit.amount is not None else None
    if isinstance(amount, BadValue):
        return Invalid(amount.message, amount.hint, field="amount")
    currency = _check_currency(edit.currency)
    if isinstance(currency, Invalid):
        return currency
    if amount and amount.currency and currency and amount.currency != currency:
        return Invalid(
            _("the amount says {amount} but the currency says {currency}").format(
                amount=amount.currency, currency=currency
            ),
            _("give the currency once: e.g. amount 65k {currency}").format(currency=currency),
            field="currency",
        )
    return (amount.value if amount else None), (currency or (amount.currency if amount else None))


def _check_currency(text: str | None) -> str | None | Invalid:
    if text is None:
        return None
    code = text.strip().upper()
    if len(code) != CURRENCY_LENGTH or not code.isascii() or not code.isalpha():
        return Invalid(
            _("'{text}' is not a currency code").format(text=text.strip()),
            _("write its three letters, e.g. USD, EUR or GBP"),
            field="currency",
        )
    return code


async def _apply(change: Change, checked: _Checked) -> Outcome:
    deal, actor = change.deal, change.actor
    if checked.owner_id not in (None, deal.owner_id, actor.user_id):
        denied = await may_assign(change.held.session, change.services, actor, checked.owner_id)
        if denied:
            return denied
    changes = _changes(deal, checked)
    if not changes:
        return Invalid(
            _("{name} already has those values: nothing changed").format(name=deal.name),
            _("run /deal show to see the deal as it is"),
        )
    owner_before = deal.owner_id
    for field_change in changes:
        change.event(
            EventKind.UPDATED,
            action=field_change.field.value,
            value=edit_event_value(field_change)[:500],
        )
    if checked.owner_id is not None and checked.owner_id != owner_before:
        await queries.upsert_person(
            change.held.session, team_id=deal.team_id, user_id=checked.owner_id, values={}
        )
    await change.save(**_row_values(deal, changes))
    return Edited(card=await change.card(), changes=changes, owner_before=owner_before)


def _changes(deal: Deal, checked: _Checked) -> tuple[FieldChange, ...]:
    wanted: list[tuple[EditField, FieldValue, FieldValue]] = [
        (EditField.NAME, deal.name, checked.name),
        (EditField.AMOUNT, deal.amount, checked.amount),
        (EditField.CURRENCY, deal.currency, checked.currency),
        (EditField.OWNER, deal.owner_id, checked.owner_id),
        (EditField.CLOSE, deal.expected_close, checked.close),
    ]
    return tuple(
        FieldChange(field, before, after)
        for field, before, after in wanted
        if after is not None and after != before
    )


def _row_values(deal: Deal, changes: tuple[FieldChange, ...]) -> dict[str, object]:
    values: dict[str, object] = {}
    for field_change in changes:
        after = field_change.after
        if field_change.field is EditField.NAME:
            assert isinstance(after, str)
            values["name"] = after  # the store writes its search key
        elif field_change.field is EditField.CLOSE:
            assert isinstance(after, dt.date)
            pushed = is_push(deal.expected_close, after)
            values |= {"expected_close": after, "close_pushes": deal.close_pushes + pushed}
        else:
            column = {EditField.AMOUNT: "amount", EditField.CURRENCY: "currency"}
            values[column.get(field_change.field, "owner_id")] = after
    return values


def edit_event_value(field_change: FieldChange) -> str:
    """An edit event's `value`: what the field was and became, as JSON (`/deal history`
    reads it back with `read_edit_event`)."""
    return json.dumps(
        {"from": _stored(field_change.before), "to": _stored(field_change.after)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _stored(value: FieldValue) -> str | float | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def read_edit_event(action: str | None, value: str | None) -> FieldChange | None:
    """An edit event read back (`edit_event_value` wrote it); None for anything else."""
    try:
        field = EditField(action or "")
        stored = json.loads(value or "")
        before, after = stored["from"], stored["to"]
    except (ValueError, TypeError, KeyError):
        return None
    return FieldChange(field, _typed(field, before), _typed(field, after))


def _typed(field: EditField, value: object) -> FieldValue:
    if field is EditField.CLOSE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return float(value) if isinstance(value, int) else value
