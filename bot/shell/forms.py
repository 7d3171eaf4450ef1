"""A modal's input blocks as prompts, and the answers as the `view.state.values` Slack
sends on submit (the shape bot.views.modal_state reads).

Like Slack's client, the shell refuses to submit a required field left empty and keeps
an initial value the user does not change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.slack_ids import is_user_id
from bot.shell.people import clean_name, user_id_for
from bot.views.plain import text_of

JsonDict = dict[str, Any]
SELECTS = ("static_select", "radio_buttons")
TEXTS = ("plain_text_input", "number_input", "email_text_input", "url_text_input")


@dataclass(frozen=True, slots=True)
class FormField:
    block_id: str
    action_id: str
    kind: str  # the element type
    label: str
    optional: bool
    hint: str = ""
    options: list[JsonDict] = field(default_factory=list)
    initial: str | None = None  # initial text, date, or the initial option's value
    dispatches: bool = False  # a pick is sent at once (dispatch_action): the form may change

    def option_labels(self) -> list[str]:
        return [text_of(option.get("text")) for option in self.options]


class BadAnswer(ValueError):
    """The answer cannot go in this field; the message says what would."""


def form_fields(view: JsonDict) -> list[FormField]:
    """The modal's input blocks, in order."""
    fields = []
    for block in view.get("blocks") or []:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        fields.append(
            FormField(
                block_id=str(block.get("block_id")),
                action_id=str(element.get("action_id")),
                kind=str(element.get("type")),
                label=text_of(block.get("label")),
                optional=bool(block.get("optional")),
                hint=text_of(block.get("hint")),
                options=[o for o in element.get("options") or [] if isinstance(o, dict)],
                initial=_initial(element),
                dispatches=bool(block.get("dispatch_action")),
            )
        )
    return fields


def _initial(element: JsonDict) -> str | None:
    option = element.get("initial_option")
    if isinstance(option, dict):
        return str(option.get("value"))
    value = (
        element.get("initial_value") or element.get("initial_date") or element.get("initial_user")
    )
    return str(value) if value else None


def state_entry(form_field: FormField, answer: str) -> JsonDict:
    """The state value for what the user typed (blank keeps the initial value); raises
    BadAnswer for what Slack's client would not let through."""
    typed = answer.strip() or (form_field.initial or "")
    if not typed and not form_field.optional:
        raise BadAnswer("this field is required")
    if form_field.kind in SELECTS:
        kept = not answer.strip() and form_field.initial is not None
        # A blank keeps the initial option by its value, never read as an option number.
        picked = _by_value(form_field, form_field.initial) if kept else _pick(form_field, typed)
        return {"type": form_field.kind, "selected_option": picked}
    if form_field.kind == "checkboxes":  # "1", "1,3" or blank: the ticked options
        picks = [_pick(form_field, part.strip()) for part in typed.split(",") if part.strip()]
        return {"type": "checkboxes", "selected_options": [p for p in picks if p]}
    if form_field.kind == "datepicker":
        return {"type": "datepicker", "selected_date": _date(typed)}
    if form_field.kind == "users_select":
        return {"type": "users_select", "selected_user": _user(typed)}
    if form_field.kind == "number_input" and typed and not _is_number(typed):
        raise BadAnswer("give a number, e.g. 12 or 2.5")
    return {
        "type": form_field.kind if form_field.kind in TEXTS else "plain_text_input",
        "value": typed or None,
    }


def _pick(form_field: FormField, typed: str) -> JsonDict | None:
    """An option by its number, its value, or the start of its label."""
    if not typed:
        return None
    options, labels = form_field.options, form_field.option_labels()
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1]
    wanted = typed.lower()
    for option, label in zip(options, labels, strict=True):
        if wanted in (str(option.get("value")).lower(), label.lower()):
            return option
    starting = [
        o for o, label in zip(options, labels, strict=True) if label.lower().startswith(wanted)
    ]
    if len(starting) == 1:
        return starting[0]
    raise BadAnswer(f"pick a number from 1 to {len(options)}")


def _by_value(form_field: FormField, value: str | None) -> JsonDict | None:
    return next((o for o in form_field.options if o.get("value") == value), None)


def _date(typed: str) -> str | None:
    if not typed:
        return None
    try:
        return dt.date.fromisoformat(typed).isoformat()
    except ValueError:
        raise BadAnswer("give the date as YYYY-MM-DD") from None


def _user(typed: str) -> str | None:
    """`@ben`, `ben` or an id: the person, as the people menu answers."""
    if not typed or is_user_id(typed):
        return typed or None
    name = clean_name(typed)
    if name is None:
        raise BadAnswer("give a person's name, e.g. @ben")
    return user_id_for(name)


def _is_number(typed: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", typed) is not None


def state_values(entries: dict[str, tuple[FormField, JsonDict]]) -> JsonDict:
    """`view.state.values`: {block_id: {action_id: entry}} for every input block."""
    return {block_id: {f.action_id: entry} for block_id, (f, entry) in entries.items()}
