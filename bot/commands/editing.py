"""`/deal edit [#deal] [name …] [amount …] [currency …] [owner @x] [close …]`: change a
deal's facts, several at once; with none given, the form.

Each field word takes the words after it, up to the next field word: `/deal edit amount
65k close 2027-03-31`. Field words are read in lower case only, so a name with "Close" in
it still reads as a name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from bot.commands.aliases import field_word
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import free_text, split_deal
from bot.core.context import Actor, Services
from bot.core.refs import CURRENT, DealRef
from bot.core.slack_ids import user_id
from bot.deals.editing import DealEdit, edit_deal, edit_form
from bot.deals.outcomes import EditField
from flows.i18n import N_, _

FIELD_WORDS = {edit_field.value: edit_field for edit_field in EditField}


@dataclass(frozen=True, slots=True)
class EditArgs:
    ref: DealRef = CURRENT
    edit: DealEdit = field(default_factory=DealEdit)


def _parse_edit(rest: str) -> EditArgs | Refused:
    ref, text = split_deal(rest)
    words = [field_word(word) for word in text.split()]  # `tutar 65k kapanış 6 aralık`
    if words and words[0] not in FIELD_WORDS:
        return _not_a_field(words[0])
    edit = DealEdit()
    for edit_field, value_words in _fields(words):
        if not value_words:
            return Refused(
                _("'{field}' needs a value after it").format(field=edit_field.value),
                _example(edit_field),
            )
        if getattr(edit, _ATTRIBUTES[edit_field]) is not None:
            return Refused(_("'{field}' is given twice").format(field=edit_field.value))
        value = _value(edit_field, value_words)
        if isinstance(value, Refused):
            return value
        edit = replace(edit, **{_ATTRIBUTES[edit_field]: value})
    return EditArgs(ref, edit)


_ATTRIBUTES = {
    EditField.NAME: "name",
    EditField.AMOUNT: "amount",
    EditField.CURRENCY: "currency",
    EditField.OWNER: "owner_id",
    EditField.CLOSE: "close",
}


def _fields(words: list[str]) -> list[tuple[EditField, list[str]]]:
    found: list[tuple[EditField, list[str]]] = []
    for word in words:
        if word in FIELD_WORDS:
            found.append((FIELD_WORDS[word], []))
        else:
            found[-1][1].append(word)
    return found


def _value(edit_field: EditField, words: list[str]) -> str | Refused:
    if edit_field is not EditField.OWNER:
        return free_text(" ".join(words))
    owner = user_id(words[0]) if len(words) == 1 else None
    if owner is None:
        return Refused(
            _("'{text}' is not one Slack user").format(text=free_text(" ".join(words))),
            _("mention the new owner with @, e.g. /deal edit owner @dana"),
        )
    return owner


def _not_a_field(word: str) -> Refused:
    close = difflib.get_close_matches(word.lower(), list(FIELD_WORDS), n=1, cutoff=0.6)
    suggestion = (
        _("did you mean '{field}'?").format(field=close[0])
        if close
        else _("name the deal with #42 first, then a field: name, amount, currency, owner, close")
    )
    return Refused(
        _("'{word}' is not something /deal edit changes").format(word=free_text(word)), suggestion
    )


def _example(edit_field: EditField) -> str:
    examples = {
        EditField.NAME: "/deal edit name Acme Holdings",
        EditField.AMOUNT: "/deal edit amount 65k",
        EditField.CURRENCY: "/deal edit currency EUR",
        EditField.OWNER: "/deal edit owner @dana",
        EditField.CLOSE: "/deal edit close 2027-03-31",
    }
    return _("e.g. {example}").format(example=examples[edit_field])


async def _edit(services: Services, actor: Actor, args: EditArgs) -> Answer:
    if args.edit.is_empty:
        return await edit_form(services, actor, args.ref)
    return await edit_deal(services, actor, args.ref, args.edit)


EDIT = CommandSpec(
    "edit",
    "/deal edit [#deal] [name|amount|currency|owner|close <value>]…",
    N_("Change a deal's name, amount, currency, owner or expected close date (none: a form)"),
    _parse_edit,
    _edit,
    (
        "/deal edit amount 65k",
        "/deal edit #42 amount 65k close 2027-03-31",
        "/deal edit owner @dana",
        "/deal edit close 31 March 2027",
    ),
    details=N_(
        "Each change is in /deal history and the owner is told by DM when someone else "
        "makes it. Moving the expected close date later three times flags the deal as "
        "slipping in digests. Giving the deal to someone else takes their manager or an admin."
    ),
)
