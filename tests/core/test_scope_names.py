"""Names in scopes (`team:maria`): generated workspaces, where a name picks one person or
says who it could be, never guesses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.scope_names import person_named
from bot.core.values import BadValue
from storage.models import Person

FIRST = st.sampled_from(["Ana", "ana", "Maria", "Ben", "Zoe"])
LAST = st.sampled_from(["", " Alves", " Moreno", " Silva"])
NAMES = st.lists(st.tuples(FIRST, LAST).map("".join), max_size=6)


def _people(names: list[str]) -> list[Person]:
    return [
        Person(team_id="T1", user_id=f"U0P{i:04d}", display_name=n) for i, n in enumerate(names)
    ]


@given(NAMES, st.sampled_from(["ana", "ANA ALVES", "maria", "zoe", "nobody", " Ben "]))
def test_a_name_picks_the_one_person_it_names_or_lists_the_candidates(
    names: list[str], typed: str
) -> None:
    people = _people(names)
    wanted = typed.strip().lower()
    whole = [p for p in people if (p.display_name or "").lower() == wanted]
    first = [p for p in people if (p.display_name or "").split()[0].lower() == wanted]
    expected = whole or first

    found = person_named(people, typed)

    if len(expected) == 1:
        assert found == expected[0]
    else:
        assert isinstance(found, BadValue)
        for candidate in expected or people:  # the candidates, or everyone known (≤ 8)
            assert candidate.user_id in found.message + found.hint
