"""Scopes as people type them on the command line: `team:maria`, `owner:ana` as well as
`team:U012AB3CD`. The shell and Slack show people by name, never by id, so a scope that
wanted ids sent the user hunting for them. A name is read through the people table: a
person's display name, whole or its first word (how the shell names people), in any case.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.scope import Scope, ScopeKind, parse_scope
from bot.core.values import BadValue
from flows.caseless import sort_key
from flows.i18n import TURKISH, _, current_locale
from storage import queries
from storage.database import Database
from storage.models import Person

MAX_LISTED = 8  # names a "nobody is named" error lists


async def resolve_scope(db: Database, *, team_id: str, text: str) -> Scope | BadValue:
    """`text` as a Scope of the `team_id` workspace, its person named by id or by name."""
    parsed = parse_scope(text)
    kind, _sep, name = text.strip().partition(":")
    if isinstance(parsed, Scope) or kind.lower() not in (ScopeKind.TEAM, ScopeKind.OWNER):
        return parsed
    if not name.strip():
        return BadValue(
            _("'{text}' names nobody").format(text=text.strip()),
            _("write {kind}:name, e.g. {kind}:maria").format(kind=kind.lower()),
        )
    async with db.read() as session:
        people = await queries.people(session, team_id=team_id)
    found = person_named(people, name)
    if isinstance(found, BadValue):
        return found
    return Scope(ScopeKind(kind.lower()), user_id=found.user_id)


def person_named(people: Sequence[Person], name: str) -> Person | BadValue:
    """The one person `name` names: their whole display name first, else its first word."""
    wanted = name.strip().lower()
    whole = [p for p in people if (p.display_name or "").strip().lower() == wanted]
    matches = whole or [p for p in people if _first_name(p) == wanted]
    if len(matches) == 1:
        return matches[0]
    if matches:
        return BadValue(
            _("'{name}' names {count} people: {people}").format(
                name=name.strip(), count=len(matches), people=_listed(matches)
            ),
            _("write the whole name in quotes or the Slack id, e.g. {example}").format(
                example=matches[0].user_id
            ),
        )
    named = sorted(
        (p for p in people if p.display_name),
        key=lambda p: sort_key(p.display_name or "", turkish=current_locale() == TURKISH),
    )
    return BadValue(
        _("nobody in this workspace is named '{name}'").format(name=name.strip()),
        _("known people: {people}").format(people=_listed(named[:MAX_LISTED]) or _("none yet"))
        + ("…" if len(named) > MAX_LISTED else ""),
    )


def _first_name(person: Person) -> str:
    words = (person.display_name or "").split()
    return words[0].lower() if words else ""


def _listed(people: Sequence[Person]) -> str:
    return ", ".join(f"{p.display_name} ({p.user_id})" for p in people)
