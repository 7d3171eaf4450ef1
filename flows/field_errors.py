"""Turn pydantic's validation errors into problems a person can act on."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from flows.i18n import N_, _
from flows.problems import Path
from flows.schema import MAX_EXIT_ITEMS

IDENT_RULE = N_("lowercase letters, digits and '_', starting with a letter, at most 40 characters")
MAP_ID_RULE = N_(
    "lowercase letters, digits and '_', starting with a letter, words joined by '-' "
    "(default-tr), at most 40 characters"
)


def describe(error: Any, model: type[BaseModel]) -> tuple[Path, str, str]:
    """(path, message, hint) for one pydantic error dict."""
    path: Path = tuple(error["loc"])
    kind, found = error["type"], error.get("input")
    field = str(path[-1]) if path else ""
    if kind == "missing":
        return path, _("missing required field '{field}'").format(field=field), _hint_for(path)
    if kind == "extra_forbidden":
        return path, _("unknown field '{field}'").format(field=field), _known_fields(path, model)
    if kind == "too_long" and field == "exit":
        message = _("{count} exit items; a stage may have at most {most}").format(
            count=len(found), most=MAX_EXIT_ITEMS
        )
        return path, message, _("a Slack checkbox group holds 10: merge or drop items")
    reason = error["msg"].removeprefix("Value error, ")  # a rule of ours says it in full
    return (
        path,
        _("found {found!r}: {reason}").format(found=_short(found), reason=reason),
        (_hint_for(path)),
    )


def problems_from(exc: ValidationError, model: type[BaseModel]) -> list[tuple[Path, str, str]]:
    return [describe(error, model) for error in exc.errors()]


# Tables built at import hold the English (N_); `_hint_for` translates when it answers.
_ID_HINTS = {"id": N_("an id: "), "next": N_("the id of a stage: ")}  # each + IDENT_RULE
_HINTS = {
    "owner": N_(
        "the team that owns the stage, as people call it (Sales, Implementation): 1 to 120 characters"
    ),
    "probability": N_("a whole number from 0 to 100 (the chance a deal here is won)"),
    "target_days": N_("a whole number of days, 1 or more"),
    "rot_days": N_("a whole number of days, 1 or more"),
    "version": N_("a whole number, 1 or more"),
    "required": N_("true or false"),
    "won": N_("true or false"),
    "kind": N_("one of: open, lost, disqualified, nurture"),
    "branches": N_("a list of: lose, disqualify, nurture"),
    "buyer_stage": N_("one of: awareness, consideration, decision, advocacy"),
    "locale": N_("a language code such as en or tr_TR"),
    "currency": N_("a three-letter currency code such as USD or EUR"),
    "by": N_("a date as YYYY-MM-DD"),
    "activities": N_("a list of at least one thing that happens in this stage"),
    "explore": N_("a list of at least one question to ask the buyer"),
    "stages": N_("a list of at least two stages"),
    "evidence": N_(
        "a prompt (Budget amount), or prompt, type (text, number, money, date, person, url, "
        "choice) and, for a choice, options"
    ),
    "prompt": N_("what to ask for, e.g. Budget amount"),
    "type": N_("one of: text, number, money, date, person, url, choice"),
    "options": N_("a list of at least two different choices, for type: choice only"),
}


_APPROVAL_HINTS = {
    "approval": N_("by: manager, admin, @U0123ABCD or #C0123ABCD; optional when: amount >= 100000"),
    "by": N_("manager, admin, a user as @U0123ABCD, or a channel as #C0123ABCD"),
    "when": N_("a field, a comparison and a number: amount >= 100000 (>=, >, <=, <, ==)"),
}


def _hint_for(path: Path) -> str:
    names = [part for part in path if isinstance(part, str)]
    if "approval" in names and names[-1] in _APPROVAL_HINTS:  # `by` means a date in a goal
        return _(_APPROVAL_HINTS[names[-1]])
    if names == ["id"]:  # the map's own id, which may join words with '-'
        return _("an id: ") + _(MAP_ID_RULE)
    if names and names[-1] in _ID_HINTS:
        return _(_ID_HINTS[names[-1]]) + _(IDENT_RULE)
    if names and names[-1] in _HINTS:
        return _(_HINTS[names[-1]])
    return _("a non-empty value") if names else ""


def _known_fields(path: Path, model: type[BaseModel]) -> str:
    fields = sorted(_model_at(path[:-1], model).model_fields)
    close = difflib.get_close_matches(str(path[-1]), fields, n=1)
    lead = _("did you mean '{name}'? ").format(name=close[0]) if close else ""
    return lead + _("allowed fields: ") + ", ".join(fields)


def _model_at(path: Path, model: type[BaseModel]) -> type[BaseModel]:
    """The model class that describes the mapping at `path` (lists are stepped through)."""
    current = model
    for part in path:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[str(part)].annotation
        inner = _first_model(annotation)
        if inner is None:
            break
        current = inner
    return current


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _first_model(arg)
        if found:
            return found
    return None


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 60 else text[:57] + "..."
